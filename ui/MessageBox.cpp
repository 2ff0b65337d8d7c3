#include "MessageBox.h"

#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTimer>

namespace steward {

std::optional<bool> MessageBox::s_nextAnswer;
QString MessageBox::s_lastText;

void MessageBox::confirm(QWidget *parent, const QString &title, const QString &question,
                         const QString &accept, QObject *context,
                         std::function<void(bool accepted)> answer)
{
    s_lastText = question;
    if (s_nextAnswer) {
        const bool accepted = *s_nextAnswer;
        s_nextAnswer.reset();
        // Answer from the event loop, as a real dialog would, never inside the caller.
        QTimer::singleShot(0, context,
                           [answer = std::move(answer), accepted] { answer(accepted); });
        return;
    }
    auto *box
        = new QMessageBox(QMessageBox::Question, title, question, QMessageBox::NoButton, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    QPushButton *yes = box->addButton(accept, QMessageBox::AcceptRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    QPointer<QObject> guard(context);
    QObject::connect(box, &QMessageBox::finished, context,
                     [box, yes, guard, answer = std::move(answer)](int) {
                         if (guard)
                             answer(box->clickedButton() == yes);
                     });
    box->open();
}

void MessageBox::warn(QWidget *parent, const QString &title, const QString &text)
{
    s_lastText = text;
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

} // namespace steward

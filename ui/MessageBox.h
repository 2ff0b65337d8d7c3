#pragma once

#include <QString>

#include <functional>
#include <optional>

class QObject;
class QWidget;

namespace steward {

// Confirmations and warnings, always window-modal and asynchronous (no nested event loop):
// the answer arrives in a callback. Tests answer the next question with setNextAnswer(), so a
// test never waits on a dialog nobody can click (KeePassXC's MessageBox::setNextAnswer).
class MessageBox
{
public:
    // Asks `question`; `accept` labels the button that confirms (e.g. "Restart api").
    static void confirm(QWidget *parent, const QString &title, const QString &question,
                        const QString &accept, QObject *context,
                        std::function<void(bool accepted)> answer);
    static void warn(QWidget *parent, const QString &title, const QString &text);

    // The next confirm() is answered with `accepted` at once, without a dialog.
    static void setNextAnswer(bool accepted) { s_nextAnswer = accepted; }
    // The text of the last question or warning (shown or answered by the hook), for tests.
    static QString lastText() { return s_lastText; }

private:
    static std::optional<bool> s_nextAnswer;
    static QString s_lastText;
};

} // namespace steward

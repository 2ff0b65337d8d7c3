#pragma once

#include "manifest/Manifest.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace steward {

// A masked input for one prompted secret: label, required marker, show/hide toggle and a live
// message saying what is expected. The message never echoes the value.
class SecretField : public QWidget
{
    Q_OBJECT
public:
    explicit SecretField(const SecretSpec &spec, QWidget *parent = nullptr);
    ~SecretField() override;

    QString value() const;
    bool isAcceptable() const { return m_acceptable; }
    // Optional secrets only: the person chose not to give one now.
    bool isSkipped() const;
    QToolButton *skipButton() const { return m_skip; }
    // Overwrites and clears the text so the value does not linger in the widget.
    void wipe();
    QLineEdit *lineEdit() const { return m_edit; }

Q_SIGNALS:
    void acceptableChanged(bool acceptable);

private:
    void revalidate();

    SecretSpec m_spec;
    QLineEdit *m_edit = nullptr;
    QToolButton *m_reveal = nullptr;
    QToolButton *m_skip = nullptr;

    QLabel *m_message = nullptr;
    bool m_acceptable = false;
};

} // namespace steward

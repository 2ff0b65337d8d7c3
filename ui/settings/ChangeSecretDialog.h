#pragma once

#include "manifest/Manifest.h"

#include <QDialog>

class QPushButton;

namespace steward {

class SecretField;

// Asks for a new value of one prompted secret with the same validated, masked field as the
// wizard. The value is wiped from the widget when the dialog closes.
class ChangeSecretDialog : public QDialog
{
    Q_OBJECT
public:
    ChangeSecretDialog(const SecretSpec &spec, const QString &appName, QWidget *parent = nullptr);
    ~ChangeSecretDialog() override;

    SecretField *field() const { return m_field; }
    QString value() const;
    void done(int result) override;

private:
    SecretField *m_field = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace steward

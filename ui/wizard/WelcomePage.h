#pragma once

#include "manifest/Manifest.h"

#include <QWizardPage>

namespace steward {

// The app's name, version and description from the manifest, and what comes next.
class WelcomePage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WelcomePage(const Manifest &manifest, QWidget *parent = nullptr);
};

} // namespace steward

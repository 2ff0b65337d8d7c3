#pragma once

#include "manifest/Manifest.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace steward {

// What a remote secret's value holds, as its source's shape reads it: the keys of a .env
// (shape "env"), the files of a deployment's config (shape "files"), or the one value.
struct ShapedValue
{
    // Name -> content: each .env key, or each file's path, or the secret's id for a plain
    // value. Empty when the value does not parse in its shape.
    static QMap<QString, QByteArray> parts(const SecretSpec &spec, const QByteArray &value);
    // The names whose content differs between two values (added, removed or changed), sorted;
    // never a content.
    static QStringList changedParts(const SecretSpec &spec, const QByteArray &before,
                                    const QByteArray &after);
    // "12 keys", "3 files", or empty for a plain value: what a person is shown, with the
    // services' share of a .env (the keys they are given).
    static QString summary(const SecretSpec &spec, const QByteArray &value);
};

} // namespace steward

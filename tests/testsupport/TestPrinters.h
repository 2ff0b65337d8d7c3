#pragma once

// QTest::toString for Steward's enums and nlohmann::json, so QCOMPARE prints readable values.

#include "manifest/Manifest.h"

#include <QTest>

#include <nlohmann/json.hpp>

namespace QTest {

#define STEWARD_TEST_PRINTER(Type)                                                                 \
    template<> inline char *toString(const Type &value)                                            \
    {                                                                                              \
        return qstrdup(qPrintable(steward::enumName(value)));                                      \
    }

STEWARD_TEST_PRINTER(steward::SecretClass)
STEWARD_TEST_PRINTER(steward::ServiceSpec::Type)
STEWARD_TEST_PRINTER(steward::HealthCheck::Type)
STEWARD_TEST_PRINTER(steward::Readiness::Type)
STEWARD_TEST_PRINTER(steward::Migration::RunOn)
STEWARD_TEST_PRINTER(steward::GpuRequirement)
STEWARD_TEST_PRINTER(steward::RestartPolicy::Mode)
#undef STEWARD_TEST_PRINTER

template<> inline char *toString(const steward::SecretTarget::Type &value)
{
    return qstrdup(value == steward::SecretTarget::Type::Env ? "env" : "file");
}

template<> inline char *toString(const steward::SecretGeneratorSpec::Type &value)
{
    return qstrdup(value == steward::SecretGeneratorSpec::Type::Uuid ? "uuid" : "random");
}

} // namespace QTest

namespace steward::test {

// JSON compared as its compact text, so a QCOMPARE failure shows both documents.
inline QString dumped(const nlohmann::json &value)
{
    return QString::fromStdString(value.dump());
}

} // namespace steward::test

#pragma once

#include <QTableWidget>

namespace steward {

// The read-only tables of the wizard and Settings: one row per secret or service, columns
// sized to their contents, the last one stretched; rows selectable or not. Tab leaves the table
// instead of walking its cells, so keyboard users reach the buttons below it.
class StatusTable : public QTableWidget
{
    Q_OBJECT
public:
    enum class Rows { Selectable, Fixed };

    StatusTable(const QString &objectName, const QString &accessibleName,
                const QStringList &headers, Rows rows, QWidget *parent = nullptr);

    // Replaces the cells of `row` (adding rows as needed) with `texts`.
    void setRow(int row, const QStringList &texts);
};

} // namespace steward

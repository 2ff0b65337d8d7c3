#include "StatusTable.h"

#include <QHeaderView>

namespace steward {

StatusTable::StatusTable(const QString &objectName, const QString &accessibleName,
                         const QStringList &headers, Rows rows, QWidget *parent)
    : QTableWidget(0, int(headers.size()), parent)
{
    setObjectName(objectName);
    setAccessibleName(accessibleName);
    setHorizontalHeaderLabels(headers);
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setTabKeyNavigation(false);
    if (rows == Rows::Selectable) {
        setSelectionBehavior(QAbstractItemView::SelectRows);
        setSelectionMode(QAbstractItemView::SingleSelection);
    } else {
        setSelectionMode(QAbstractItemView::NoSelection);
    }
}

void StatusTable::setRow(int row, const QStringList &texts)
{
    if (row >= rowCount())
        setRowCount(row + 1);
    for (int column = 0; column < texts.size() && column < columnCount(); ++column)
        setItem(row, column, new QTableWidgetItem(texts.at(column)));
}

} // namespace steward

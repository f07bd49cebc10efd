import type { ReactNode } from "react";

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  align?: "left" | "right";
  /** Monospace cell (hashes, addresses, amounts). */
  mono?: boolean;
}

/** A responsive data table: scrolls horizontally on narrow screens instead of squeezing. */
export function Table<T>({ columns, rows, rowKey, empty = "Nothing here yet.", caption }: { columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; empty?: ReactNode; caption?: ReactNode }) {
  return (
    <div className="ui-table-wrap">
      <table className="ui-table">
        {caption !== undefined && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={c.align === "right" ? { textAlign: "right" } : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="ui-table-empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} className={c.mono ? "mono" : undefined} style={c.align === "right" ? { textAlign: "right" } : undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

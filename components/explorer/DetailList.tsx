// Label/value rows of a detail page (block, transaction, address). Labels sit beside values on
// wide screens and above them on narrow ones (flex-wrap), with no stylesheet of their own.
import type { ReactNode } from "react";

export interface Detail {
  label: string;
  value: ReactNode;
}

export function DetailList({ items }: { items: Detail[] }) {
  return (
    <dl style={{ margin: 0 }}>
      {items.map((d) => (
        <div
          key={d.label}
          style={{
            display: "flex",
            flexWrap: "wrap",
            gap: "0.25rem 1rem",
            padding: "0.45rem 0",
            borderBottom: "1px solid var(--border)",
          }}
        >
          <dt className="muted" style={{ flex: "0 0 12rem", fontSize: "0.9rem" }}>
            {d.label}
          </dt>
          <dd style={{ margin: 0, flex: "1 1 18rem", minWidth: 0, overflowWrap: "anywhere" }}>{d.value}</dd>
        </div>
      ))}
    </dl>
  );
}

// A JSON object (subnet hyperparameters, task spec) as label/value rows: nested values are shown
// as compact JSON rather than hidden.
import { DetailList } from "./DetailList";

export function JsonDetails({ value, empty = "Not set." }: { value: unknown; empty?: string }) {
  if (
    value === null ||
    value === undefined ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    Object.keys(value).length === 0
  ) {
    return (
      <p className="muted" style={{ margin: 0 }}>
        {value === null || value === undefined ? empty : JSON.stringify(value)}
      </p>
    );
  }
  return (
    <DetailList
      items={Object.entries(value as Record<string, unknown>).map(([k, v]) => ({
        label: k,
        value: <span className="mono">{typeof v === "string" ? v : JSON.stringify(v)}</span>,
      }))}
    />
  );
}

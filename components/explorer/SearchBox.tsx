// The explorer's search box: a plain GET form to /search, so it works before (and without)
// JavaScript. Placed in the site header by the layout and on the search page itself.
import { Button } from "@/components/ui/Button";

export function SearchBox({
  defaultValue = "",
  autoFocus = false,
}: {
  defaultValue?: string;
  autoFocus?: boolean;
}) {
  return (
    <form
      action="/search"
      method="get"
      role="search"
      style={{ display: "flex", gap: "0.4rem", minWidth: 0, flex: "1 1 16rem", maxWidth: "32rem" }}
    >
      <input
        type="search"
        name="q"
        className="ui-input"
        aria-label="Search by block, transaction hash, address, subnet or netuid/uid"
        placeholder="Block, tx hash, address, netuid/uid"
        defaultValue={defaultValue}
        autoFocus={autoFocus}
        maxLength={128}
        style={{ minWidth: 0 }}
      />
      <Button type="submit" variant="secondary">
        Search
      </Button>
    </form>
  );
}

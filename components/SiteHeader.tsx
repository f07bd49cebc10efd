import Link from "next/link";
import { ThemeToggle } from "./ThemeToggle";
import { ConnectButton } from "./wallet/ConnectButton";

/** Top-level sections; each portal page lives at its href. */
export const NAV_ITEMS = [
  { href: "/blocks", label: "Explorer" },
  { href: "/validators", label: "Validators" },
  { href: "/subnets", label: "Subnets" },
  { href: "/charts", label: "Charts" },
  { href: "/network", label: "Network" },
  { href: "/faucet", label: "Faucet" },
  { href: "/miner", label: "Miner" },
  { href: "/validator", label: "Validator" },
  { href: "/subnet", label: "Subnet" },
  { href: "/staking", label: "Staking" },
] as const;

export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link href="/" className="site-brand">
          <span className="site-logo" aria-hidden>
            ◆
          </span>
          Tensorchain
        </Link>
        <nav className="site-nav" aria-label="Main">
          {NAV_ITEMS.map((item) => (
            <Link key={item.href} href={item.href} className="site-nav-link">
              {item.label}
            </Link>
          ))}
        </nav>
        <ConnectButton />
        <ThemeToggle />
      </div>
    </header>
  );
}

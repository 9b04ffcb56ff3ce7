// The lab's billers and invoices: fixed, so every lab web server answers the same.
export interface Biller {
  id: string;
  name: string;
}

export interface Invoice {
  number: string;
  due: string;
  /** Cents. */
  amount: number;
}

export const BILLERS: readonly Biller[] = [
  { id: 'springfield-water', name: 'City of Springfield Water' },
  { id: 'springfield-electric', name: 'Springfield Electric Cooperative' },
  { id: 'shelbyville-tax', name: 'Shelbyville Property Tax' },
  { id: 'ogdenville-waste', name: 'Ogdenville Waste Services' },
];

export function findBillers(query: string): Biller[] {
  const q = query.trim().toLowerCase();
  return BILLERS.filter((b) => b.name.toLowerCase().includes(q));
}

export function billerById(id: string): Biller | undefined {
  return BILLERS.find((b) => b.id === id);
}

/** Open invoices of an account: derived from its digits, so any valid account number has a bill to pay. */
export function invoicesFor(account: string): Invoice[] {
  const n = Number(account.slice(-4));
  return [{ number: `INV-${account.slice(-4)}-0622`, due: '2025-07-15', amount: 4_000 + (n % 20_000) }];
}

/** The payer portal's invoices for the test account. */
export const PORTAL_INVOICES: readonly (Invoice & { biller: string; status: 'Open' | 'Paid' })[] = [
  { number: 'INV-1001-0522', biller: 'City of Springfield Water', due: '2025-06-15', amount: 5_412, status: 'Paid' },
  { number: 'INV-1001-0622', biller: 'City of Springfield Water', due: '2025-07-15', amount: 5_198, status: 'Open' },
  { number: 'INV-2044-0622', biller: 'Springfield Electric Cooperative', due: '2025-07-20', amount: 12_075, status: 'Open' },
];

export function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** Card numbers the lab treats as test cards (the usual processor test numbers). */
export const TEST_CARDS = { approved: '4111111111111111', declined: '4000000000000002' } as const;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * SEC-4: ID numbers and phones are masked in every response, list and export unless an admin in
 * scope asks to reveal them. An ID keeps at most its first 3 and last 1 characters, because its last
 * 8 are the initial password (MEM-6); a phone keeps its first 3 and last 4.
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length < 5) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 4)}${idNumber.slice(-1)}`;
}

export function maskPhone(phone: string): string {
  if (phone.length < 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/**
 * Issue 7 item 4: free text bound for a log (a request URL: `?idNumber=…`, a path segment) with every
 * run of 11 or more digits — an ID number or a phone — masked like an ID number.
 */
export function maskDigitRuns(text: string): string {
  return text.replace(/\d{11,}[Xx]?/g, (run) => maskIdNumber(run));
}

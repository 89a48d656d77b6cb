/**
 * `paperboy export` writes cells a spreadsheet would run as formulas (OWASP's CSV
 * injection: a leading `=`, `+`, `-`, `@`, tab or carriage return, or their full-width
 * forms) with a leading `'`, which spreadsheets show as text; csv-stringify's
 * `escape_formulas` does it. Reading an export back (`paperboy import`) takes that `'`
 * away again, so a round trip keeps what readers typed. A cell typed with a `'` before
 * one of those characters would lose it: no topic or address starts that way.
 */
const escapedFormula = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export const fromSpreadsheetSafe = (cell: string): string => (escapedFormula.test(cell) ? cell.slice(1) : cell);

/**
 * Column values as node-postgres hands them over. It returns numeric and bigint columns as strings (a JavaScript
 * number cannot hold every value of either), so the queries that know theirs fit turn them into numbers here.
 */
export const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

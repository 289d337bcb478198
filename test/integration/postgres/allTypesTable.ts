import type pg from 'pg';
import type { PgSourceColumn } from '../../../src/connectors/postgres/pgSourceSchema';

/** One column of every type in the mapping table (README "PostgreSQL type mapping"). */
export const ALL_TYPES_DDL = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_price AS numeric(10,2) CHECK (VALUE > 0);
CREATE TABLE all_types (
  id int PRIMARY KEY,
  c_smallint smallint NOT NULL,
  c_bigint bigint,
  c_numeric numeric(12,3),
  c_numeric_free numeric,
  c_numeric_neg_scale numeric(5,-2),
  c_numeric_huge numeric(50,5),
  c_real real,
  c_double double precision,
  c_bool boolean,
  c_text text,
  c_varchar varchar(20),
  c_char char(5),
  c_bytea bytea,
  c_date date,
  c_time time,
  c_timetz timetz,
  c_timestamp timestamp,
  c_timestamptz timestamptz,
  c_interval interval,
  c_uuid uuid,
  c_json json,
  c_jsonb jsonb,
  c_int_array int[],
  c_text_array text[],
  c_numeric_array numeric(6,2)[],
  c_inet_array inet[],
  c_mood mood,
  c_inet inet,
  c_cidr cidr,
  c_money money,
  c_domain positive_price,
  c_point point
);`;

export const ALL_TYPES_ROWS = `
INSERT INTO all_types VALUES
 (1, 1, 9223372036854775807, 123456789.123, 1.5, 12300, 1234567890123456789012345678901234567890123.12345,
  1.5, 0.1, true, 'héllo 🌍', 'v', 'ab', '\\x00ff10', '2024-02-29', '13:14:15.123456', '13:14:15+02',
  '2024-05-01 12:34:56.789012', '2024-05-01 12:34:56.789012+02', '1 year 2 mons 3 days 04:05:06.5',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": {"c": null}}', '{1,NULL,3}', '{"x","",NULL}',
  '{1.50,-2.25}', '{10.0.0.1,::1}', 'happy', '192.168.1.5/24', '10.0.0.0/8', '-12.34', 9.99, '(1,2)'),
 (2, -32768, -9223372036854775808, -0.001, -99999999999999999999.999999999999999999, -99900, -1.5,
  'NaN', '-Infinity', false, '', repeat('z', 20), 'abcde', '', '1900-01-01', '00:00:00', '23:59:59.999999-11',
  '1900-01-01 00:00:00', '1969-12-31 23:59:59.999999+00', '-3 days -00:00:01', '00000000-0000-0000-0000-000000000000',
  '[]', '[]', '{}', '{}', '{}', '{}', 'sad', '::1', '2001:db8::/32', '92233720368547758.07', 0.01, '(0,0)'),
 (3, 0, 0, 0, 0, 0, 0, 3.4028235e38, 1.7976931348623157e308, NULL, 'line1
line2', NULL, NULL, NULL, '2262-04-11', NULL, NULL, '2262-04-11 23:47:16.854775', '0001-01-01 00:00:00+00', '0', NULL,
  'null', 'null', '{NULL}', NULL, NULL, NULL, 'ok', NULL, NULL, '0', NULL, NULL),
 (4, 7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);`;

export const ALL_TYPES_EXPECTED_DELTA = [
  'id integer not null',
  'c_smallint short not null',
  'c_bigint long',
  'c_numeric decimal(12,3)',
  'c_numeric_free decimal(38,18)',
  'c_numeric_neg_scale decimal(7,0)',
  'c_numeric_huge string',
  'c_real float',
  'c_double double',
  'c_bool boolean',
  'c_text string',
  'c_varchar string',
  'c_char string',
  'c_bytea binary',
  'c_date date',
  'c_time string',
  'c_timetz string',
  'c_timestamp timestamp_ntz',
  'c_timestamptz timestamp',
  'c_interval string',
  'c_uuid string',
  'c_json string',
  'c_jsonb string',
  'c_int_array array<integer>',
  'c_text_array array<string>',
  'c_numeric_array array<decimal(6,2)>',
  'c_inet_array array<string>',
  'c_mood string',
  'c_inet string',
  'c_cidr string',
  'c_money decimal(19,2)',
  'c_domain decimal(10,2)',
  'c_point string',
];

/**
 * The source rows rendered by PostgreSQL itself in the canonical text of test/helpers/arrowCellText:
 * the expected side of the round trip, computed independently of the connector's decoding.
 */
export async function canonicalSourceRows(client: pg.Client, columns: readonly PgSourceColumn[], table = 'all_types'): Promise<(string | null)[][]> {
  const expressions = columns.map((column) => {
    const name = client.escapeIdentifier(column.name);
    const type = column.deltaType;
    if (type.kind === 'decimal') return `trim_scale(${name}::numeric)::text`;
    if (type.kind === 'array') {
      const element = type.elementType.kind === 'decimal' ? 'trim_scale(e)::text' : 'e::text';
      return `CASE WHEN ${name} IS NOT NULL THEN coalesce((SELECT json_agg(${element} ORDER BY o)::text FROM unnest(${name}) WITH ORDINALITY AS u(e, o)), '[]') END`;
    }
    // The text cast of char(n) trims the padding its output (and our copy) keeps.
    if (column.pgType === 'character(5)') return `rpad(${name}::text, 5)`;
    switch (type.kind === 'primitive' ? type.name : undefined) {
      case 'float': return `${name}::float8::text`;
      case 'timestamp': case 'timestamp_ntz': return `(extract(epoch from ${name}) * 1000000)::bigint::text`;
      case 'binary': return `encode(${name}, 'hex')`;
      default: return `${name}::text`;
    }
  });
  await client.query("SET intervalstyle = 'iso_8601'");
  const result = await client.query<Record<string, string | null>>({
    text: `SELECT ${expressions.map((e, i) => `${e} AS c${i}`).join(', ')} FROM ${table} ORDER BY id`,
  });
  return result.rows.map((row) => columns.map((column, i) => {
    const text = row[`c${i}`] ?? null;
    if (text === null) return null;
    if (column.deltaType.kind === 'array') return JSON.stringify(JSON.parse(text));
    if (column.deltaType.kind === 'primitive' && (column.deltaType.name === 'float' || column.deltaType.name === 'double')) return String(Number(text));
    return text;
  }));
}


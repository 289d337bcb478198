import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaError } from '../../../src/delta/errors';
import { connectionProblem } from '../../../src/extension/connections/connectionProblem';
import { endpointOfUrl, parseProfiles, passwordKey, portProblem, profileUrl } from '../../../src/extension/connections/pgConnectionProfile';
import { tableDescription } from '../../../src/extension/connections/tableDescription';

const profile = { name: 'shop', host: 'db.example.com', port: 5433, database: 'shop db', user: 'app@eu' };

test('a profile becomes a URL without a password that the engine parses back to the same endpoint', () => {
  const url = profileUrl(profile);
  assert.equal(url, 'postgresql://app%40eu@db.example.com:5433/shop%20db');
  assert.deepEqual(endpointOfUrl(url), { host: 'db.example.com', port: 5433, database: 'shop db', user: 'app@eu' });
  // The pipeline file's URL finds the password the connection saved.
  assert.equal(passwordKey(endpointOfUrl(url) ?? profile), passwordKey(profile));
  assert.equal(passwordKey(profile), 'lakehouse.postgres.password:app@eu@db.example.com:5433/shop db');
});

test('unix socket directories and IPv6 hosts survive the URL; a missing port and database take libpq defaults', () => {
  const socket = { ...profile, host: '/tmp/pg sock', port: 5432, database: 'postgres', user: 'me' };
  assert.equal(profileUrl(socket), 'postgresql://me@%2Ftmp%2Fpg%20sock:5432/postgres');
  assert.equal(endpointOfUrl(profileUrl(socket))?.host, '/tmp/pg sock');
  assert.equal(profileUrl({ ...socket, host: '::1' }), 'postgresql://me@[::1]:5432/postgres');
  assert.equal(endpointOfUrl('postgresql://me@[::1]:5432/postgres')?.host, '::1');
  assert.deepEqual(endpointOfUrl('postgres://me@localhost'), { host: 'localhost', port: 5432, database: 'me', user: 'me' });
  assert.equal(endpointOfUrl('mysql://me@localhost/x'), undefined);
  assert.equal(endpointOfUrl('not a url'), undefined);
});

test('saved connections from settings: incomplete, badly typed and duplicate entries are dropped; port defaults to 5432', () => {
  const parsed = parseProfiles([
    { name: 'a', host: 'h', database: 'd', user: 'u' },
    { name: 'b', host: 'h', port: 6000, database: 'd', user: 'u' },
    { name: 'a', host: 'other', database: 'd', user: 'u' },
    { name: 'c', host: 'h', port: 70000, database: 'd', user: 'u' },
    { name: 'd', host: 'h', port: '5432', database: 'd', user: 'u' },
    { name: 'e', host: 'h', database: 'd' },
    'f', null,
  ]);
  assert.deepEqual(parsed, [
    { name: 'a', host: 'h', port: 5432, database: 'd', user: 'u' },
    { name: 'b', host: 'h', port: 6000, database: 'd', user: 'u' },
  ]);
  assert.deepEqual(parseProfiles({ not: 'a list' }), []);
  assert.equal(portProblem('5432'), undefined);
  assert.match(portProblem('0') ?? '', /1 to 65535/);
  assert.match(portProblem('65536') ?? '', /1 to 65535/);
  assert.match(portProblem('54a') ?? '', /1 to 65535/);
});

test('a failed connection test names the field to fix', () => {
  const failed = (cause: unknown): DeltaError => new DeltaError('SOURCE_CONNECTION_FAILED', 'Cannot connect to PostgreSQL at ...', { cause });
  const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code });
  const endpoint = { host: 'db', port: 5432, database: 'shop', user: 'app' };
  assert.equal(connectionProblem(failed(pgError('28P01', 'password authentication failed for user "app"')), endpoint),
    'The password for user "app" was rejected by db:5432. Enter the right password.');
  assert.equal(connectionProblem(failed(pgError('3D000', 'database "shop" does not exist')), endpoint), 'db:5432 has no database "shop".');
  assert.match(connectionProblem(failed(pgError('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:5432')), endpoint),
    /^Cannot reach PostgreSQL at db:5432: nothing accepts connections there/);
  assert.match(connectionProblem(failed(pgError('ENOTFOUND', 'getaddrinfo ENOTFOUND db')), endpoint), /host name is unknown/);
  assert.match(connectionProblem(failed(new Error('Connection terminated unexpectedly')), endpoint), /no answer in time/);
  assert.match(connectionProblem(failed(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')), endpoint),
    /^db:5432 needs a password for user "app"/);
  assert.equal(connectionProblem(new Error('something else'), endpoint), 'something else');
});

test('a source table\'s line shows its row estimate and key, or says why there is none', () => {
  const table = { schema: 'public', name: 'orders', kind: 'table' as const, rowEstimate: 1234567, primaryKey: ['id'] };
  assert.equal(tableDescription(table), '~1,234,567 rows · PK id');
  assert.equal(tableDescription({ ...table, rowEstimate: null, primaryKey: ['a', 'b'] }), 'rows not estimated yet · PK a, b');
  assert.equal(tableDescription({ ...table, rowEstimate: 0, primaryKey: [] }), '~0 rows · no primary key');
  assert.equal(tableDescription({ ...table, kind: 'view', rowEstimate: null, primaryKey: [] }), 'view');
});

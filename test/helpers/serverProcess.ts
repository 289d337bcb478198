import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import pg from 'pg';

/** A server started by a test, with the tail of what it printed (for the error when it fails to start). */
export interface ServerProcess {
  process: ChildProcess;
  log(): string;
}

export function spawnServer(command: string, args: readonly string[], options: SpawnOptions = {}): ServerProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => { log = (log + chunk.toString()).slice(-8000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { process: child, log: () => log };
}

/** Connections to a test's server: `client()` ones are kept and ended by endClients(), `connect()` ones by their caller. */
export interface ServerClients {
  connect(): Promise<pg.Client>;
  client(): Promise<pg.Client>;
  endClients(): Promise<void>;
}

export function serverClients(config: pg.ClientConfig): ServerClients {
  const clients: pg.Client[] = [];
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client(config);
    // A restart() cuts every session: an idle client's socket error must not crash the test process.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  return {
    connect,
    async client() {
      const client = await connect();
      clients.push(client);
      return client;
    },
    async endClients() {
      await Promise.allSettled(clients.map((c) => c.end()));
    },
  };
}

/**
 * Waits until `connect` succeeds: a JVM or a WebAssembly build takes seconds to start, many more on
 * a loaded machine, so this waits on the server's port (up to 180 s), never on a clock.
 */
export async function waitForConnection(name: string, server: ServerProcess, connect: () => Promise<pg.Client>): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.process.exitCode !== null) throw new Error(`${name} exited with code ${server.process.exitCode}:\n${server.log()}`);
    try {
      const client = await connect();
      await client.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${name} did not accept connections within 180 s:\n${server.log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Waits until a spawned server accepts `config`'s connections and gives its clients and stop()
 * (which ends the clients, stops the process, then runs `cleanup`); a server that never starts is
 * stopped and cleaned up before the error is thrown.
 */
export async function serverReady(name: string, server: ServerProcess, config: pg.ClientConfig, cleanup: () => void = () => undefined): Promise<{ client(): Promise<pg.Client>; stop(): Promise<void> }> {
  const { connect, client, endClients } = serverClients(config);
  const stop = async (): Promise<void> => {
    await endClients();
    await stopServerProcess(server);
    cleanup();
  };
  try {
    await waitForConnection(name, server, connect);
  } catch (error) {
    await stop();
    throw error;
  }
  return { client, stop };
}

/** SIGTERM (both servers shut down cleanly on it), SIGKILL if it is still there after 15 s. */
export async function stopServerProcess(server: ServerProcess): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as path from 'path';
import { ROOT } from './fixtures';

type Handler = (msg: any) => void;

/** A minimal LSP client speaking JSON-RPC over the real server's stdio. */
export class LspClient {
  private proc: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private listeners: Handler[] = [];
  readonly notifications: any[] = [];
  stderr = '';
  /** answers to workspace/configuration requests */
  settings: Record<string, unknown> = {};

  constructor(args: string[] = ['--stdio']) {
    this.proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), ...args], { stdio: 'pipe' });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const header = this.buf.subarray(0, sep).toString();
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error('bad header ' + header);
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const body = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8'));
      this.buf = this.buf.subarray(sep + 4 + len);
      this.dispatch(body);
    }
  }

  private dispatch(msg: any): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined && msg.method) {
      // a request from the server
      let result: unknown = null;
      if (msg.method === 'workspace/configuration') result = msg.params.items.map((it: { section?: string }) => (it.section === 'hubcfg' ? this.settings : null));
      this.write({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    this.notifications.push(msg);
    for (const l of [...this.listeners]) l(msg);
  }

  private write(msg: unknown): void {
    const s = JSON.stringify(msg);
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(s, 'utf8')}\r\n\r\n${s}`);
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Waits for the next notification matching a predicate (that arrives after this call). */
  waitFor(pred: (msg: any) => boolean, timeoutMs = 10000): Promise<any> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== h);
        reject(new Error(`timed out waiting for a notification; stderr: ${this.stderr}`));
      }, timeoutMs);
      const h: Handler = (msg) => {
        if (pred(msg)) {
          clearTimeout(t);
          this.listeners = this.listeners.filter((l) => l !== h);
          resolve(msg);
        }
      };
      this.listeners.push(h);
    });
  }

  diagnosticsFor(uri: string, version?: number): Promise<any> {
    return this.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && (version === undefined || m.params.version === version));
  }

  async initialize(settings: Record<string, unknown> = {}, withConfigurationPull = true): Promise<any> {
    this.settings = settings;
    const r = await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: withConfigurationPull, didChangeConfiguration: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: withConfigurationPull ? undefined : { settings },
    });
    this.notify('initialized', {});
    return r;
  }

  async shutdown(): Promise<number | null> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      this.notify('exit', null);
    } catch {
      /* already gone */
    }
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve(this.proc.exitCode);
      const t = setTimeout(() => {
        this.proc.kill();
        resolve(null);
      }, 3000);
      this.proc.on('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }

  get alive(): boolean {
    return this.proc.exitCode === null && !this.proc.killed;
  }
}

// A Fluentd Forward-protocol receiver for portal tests (same decoder as exec-node/test/support/forward-server.ts,
// which stays with the exec node's own tests: exec-node/ imports nothing from the portal and vice versa).
import { decodeMulti, decodeMultiStream, encode, ExtensionCodec } from '@msgpack/msgpack';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ForwardEvent {
  tag: string;
  /** Event time in epoch seconds (with fraction for EventTime). */
  time: number;
  record: Record<string, unknown>;
  mode: 'Message' | 'Forward' | 'PackedForward' | 'CompressedPackedForward';
}

/** Fluentd's EventTime: ext type 0, 4-byte seconds + 4-byte nanoseconds, big-endian. */
const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: () => null,
  decode: (data: Uint8Array) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return view.getUint32(0) + view.getUint32(4) / 1e9;
  },
});

/**
 * A minimal Fluentd Forward-protocol receiver (in_forward): decodes Message, Forward, PackedForward and
 * CompressedPackedForward modes and answers `chunk` options with an ack, like fluentd does.
 */
export class ForwardServer {
  readonly events: ForwardEvent[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void (async () => {
      try {
        for await (const message of decodeMultiStream(socket, { extensionCodec: codec }))
          this.onMessage(socket, message);
      } catch {
        socket.destroy();
      }
    })();
  }

  private onMessage(socket: Socket, message: unknown): void {
    if (!Array.isArray(message) || typeof message[0] !== 'string') throw new Error('not a forward message');
    const tag = message[0];
    const second: unknown = message[1];
    let option: Record<string, unknown> | undefined;
    if (typeof second === 'number') {
      this.events.push({ tag, time: second, record: message[2] as Record<string, unknown>, mode: 'Message' });
      option = message[3] as Record<string, unknown> | undefined;
    } else if (Array.isArray(second)) {
      for (const [time, record] of second as [number, Record<string, unknown>][])
        this.events.push({ tag, time, record, mode: 'Forward' });
      option = message[2] as Record<string, unknown> | undefined;
    } else {
      option = message[2] as Record<string, unknown> | undefined;
      this.unpack(tag, second as Uint8Array, option?.compressed === 'gzip');
    }
    if (typeof option?.chunk === 'string') socket.write(encode({ ack: option.chunk }));
  }

  private unpack(tag: string, entries: Uint8Array, compressed: boolean): void {
    const bytes = compressed ? gunzipSync(entries) : entries;
    const mode = compressed ? 'CompressedPackedForward' : 'PackedForward';
    for (const entry of decodeMulti(bytes, { extensionCodec: codec })) {
      const [time, record] = entry as [number, Record<string, unknown>];
      this.events.push({ tag, time, record, mode });
    }
  }
}

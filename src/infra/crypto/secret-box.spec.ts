import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('round-trips and never stores the plain text', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.encrypt('node-token-123');
    assert.ok(!sealed.includes('node-token-123'));
    assert.equal(box.decrypt(sealed), 'node-token-123');
    assert.notEqual(box.encrypt('x'), box.encrypt('x'));
  });

  it('refuses tampered values and the wrong key', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.encrypt('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64');
    assert.throws(() => box.decrypt(parts.join('.')));
    assert.throws(() => new SecretBox(randomBytes(32)).decrypt(sealed));
  });

  it('generates a key file once, readable by the owner only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-box-'));
    const sealed = SecretBox.fromConfig('', dir).encrypt('kept');
    assert.equal(SecretBox.fromConfig('', dir).decrypt(sealed), 'kept');
    assert.equal(statSync(join(dir, 'encryption.key')).mode & 0o777, 0o600);
  });
});

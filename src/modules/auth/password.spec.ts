import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse 42');
    assert.match(stored, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse 42', stored), true);
    assert.equal(await verifyPassword('correct horse 43', stored), false);
  });

  it('salts every hash differently', async () => {
    assert.notEqual(await hashPassword('same password 1'), await hashPassword('same password 1'));
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
  });

  it('generates passwords that pass its own rules', () => {
    for (let i = 0; i < 20; i++) assert.equal(passwordProblem(generatePassword()), null);
    assert.equal(passwordProblem('short1'), 'must be at least 10 characters');
    assert.equal(passwordProblem('onlyletterslong'), 'must contain letters and digits');
  });
});

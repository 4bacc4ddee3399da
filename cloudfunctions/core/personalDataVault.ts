import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

/** Ciphertext at rest: AES-256-GCM, base64 parts, with a key version so keys can rotate. */
export interface Sealed {
  v: 1
  iv: string
  ct: string
  tag: string
}

export class VaultError extends Error {}

/**
 * Personal data (phones, ID numbers) is stored encrypted; lookups use a keyed hash so the
 * database never holds a value that can be reversed by guessing 11-digit phone numbers.
 */
export class PersonalDataVault {
  constructor(
    private readonly dataKey: Buffer,
    private readonly lookupKey: Buffer,
  ) {
    if (dataKey.length !== 32) throw new VaultError('DATA_KEY 必须是 32 字节')
    if (lookupKey.length < 32) throw new VaultError('LOOKUP_KEY 至少 32 字节')
  }

  seal(plain: string): Sealed {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.dataKey, iv)
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return {
      v: 1,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    }
  }

  open(sealed: Sealed): string {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.dataKey, Buffer.from(sealed.iv, 'base64'))
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString(
        'utf8',
      )
    } catch {
      throw new VaultError('personal data cannot be decrypted with this key')
    }
  }

  /** The purpose is part of the hash so a phone hash can never match an ID-number hash. */
  lookupHash(purpose: 'phone' | 'idNumber' | 'smsCode' | 'caller', value: string): string {
    return createHmac('sha256', this.lookupKey).update(`${purpose}\u0000${value}`).digest('base64url')
  }
}

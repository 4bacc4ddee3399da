import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type InvoiceDoc,
  type InvoiceTitleDoc,
  type StatusListRecordDoc,
  type TagDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import { checkCreditCode, checkIdNumber, idTypeFitsUserType } from '../../cloudfunctions/core/idNumbers'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import { holderMatches, type PrincipalDoc } from '../../cloudfunctions/core/principals'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'
import { holderNameSchema, nicknameSchema } from '../../types/actions/auth'
import { cardNoSchema, tagNoSchema } from '../../types/actions/etc'
import { phoneSchema, plateSchema } from '../../types/common'
import { plateColorSchema } from '../../types/schemas/enums'
import { demoLogins, seedDemo } from './seed'
import { demoBindings, demoNicknames } from './seedAccounts'

/**
 * The demo world must pass the product's own checks: every ID number, credit code, phone and
 * plate the seed writes is one the actions would accept (core/idNumbers, the zod schemas), every
 * hash matches its value, and every status-list record lies in its card's life.
 */

const now = new Date('2026-11-20T02:00:00Z')
const secrets: Secrets = {
  sessionKey: new Uint8Array(randomBytes(32)),
  dataKey: randomBytes(32),
  lookupKey: randomBytes(32),
}
const vault = new PersonalDataVault(secrets.dataKey, secrets.lookupKey)

async function all<T>(store: Store, collection: string): Promise<Array<T & Doc>> {
  const out: Array<T & Doc> = []
  let after: string | undefined
  do {
    const page = await store.query<T & Doc>(collection, { limit: maxQueryLimit, after })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}

/** The value as the schema leaves it: a seeded value must already be in that form. */
function parsed(schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, value: string) {
  const result = schema.safeParse(value)
  return result.success ? result.data : `rejected: ${value}`
}

const dir = mkdtempSync(join(tmpdir(), 'etc-seed-test-'))
let world: {
  accounts: AccountDoc[]
  vehicles: VehicleDoc[]
  cards: CardDoc[]
  tags: TagDoc[]
  records: StatusListRecordDoc[]
  titles: InvoiceTitleDoc[]
  invoices: InvoiceDoc[]
  principals: PrincipalDoc[]
}

beforeAll(async () => {
  const store = openSqliteStore(join(dir, 'seed.db'))
  try {
    await seedDemo(store, secrets, now)
    world = {
      accounts: await all<AccountDoc>(store, collections.accounts),
      vehicles: await all<VehicleDoc>(store, collections.vehicles),
      cards: await all<CardDoc>(store, collections.cards),
      tags: await all<TagDoc>(store, collections.tags),
      records: await all<StatusListRecordDoc>(store, collections.statusListRecords),
      titles: await all<InvoiceTitleDoc>(store, collections.invoiceTitles),
      invoices: await all<InvoiceDoc>(store, collections.invoices),
      principals: await all<PrincipalDoc>(store, collections.principals),
    }
  } finally {
    store.close()
  }
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('demo seed passes the validators the actions use', () => {
  test('accounts: ID numbers and credit codes (check digits), names, phones, and their hashes', () => {
    expect(world.accounts.length).toBeGreaterThanOrEqual(6)
    for (const a of world.accounts) {
      const idNumber = vault.open(a.idNumber)
      const check = checkIdNumber(a.idType, idNumber)
      expect({ id: a.id, idNumber, check }).toEqual({
        id: a.id,
        idNumber,
        check: { ok: true, normalized: idNumber },
      })
      expect(idTypeFitsUserType(a.idType, a.userType)).toBe(true)
      expect(a.idNumberHash).toBe(vault.lookupHash('idNumber', idNumber))
      expect(parsed(holderNameSchema, a.name)).toBe(a.name)
      const phone = vault.open(a.userType === 'unit' ? a.agentPhone : a.phone)
      expect(parsed(phoneSchema, phone)).toBe(phone)
      expect(a.loginPhoneHash).toBe(vault.lookupHash('phone', phone))
      if (a.userType === 'unit') expect(parsed(holderNameSchema, a.agentName)).toBe(a.agentName)
    }
  })

  test('vehicles, cards and tags: plates, plate colours, 20-digit card and 16-digit tag numbers', () => {
    const accountIds = new Set(world.accounts.map((a) => a.id))
    for (const v of world.vehicles) {
      expect(parsed(plateSchema, v.plate)).toBe(v.plate)
      expect(parsed(plateColorSchema, v.plateColor)).toBe(v.plateColor)
      expect(accountIds.has(v.accountId)).toBe(true)
    }
    for (const c of world.cards) expect(parsed(cardNoSchema, c.cardNo)).toBe(c.cardNo)
    for (const t of world.tags) expect(parsed(tagNoSchema, t.tagNo)).toBe(t.tagNo)
  })

  test('tax numbers on invoice titles and invoices are valid credit codes', () => {
    const taxNumbers = [...world.titles, ...world.invoices].flatMap((d) => (d.taxNumber ? [d.taxNumber] : []))
    expect(taxNumbers.length).toBeGreaterThan(0)
    for (const taxNumber of new Set(taxNumbers))
      expect({ taxNumber, check: checkCreditCode(taxNumber) }).toEqual({
        taxNumber,
        check: { ok: true, normalized: taxNumber },
      })
  })

  test('principals: valid phones and nicknames whose hashes point at seeded holders', () => {
    const idHashes = new Set(world.accounts.map((a) => a.idNumberHash))
    const phoneHashes = new Set(world.accounts.map((a) => a.loginPhoneHash))
    for (const p of world.principals) {
      for (const h of p.verifiedIdHashes) expect(idHashes.has(h)).toBe(true)
      if (p.kind === 'phone') {
        const phone = vault.open(p.phone)
        expect(parsed(phoneSchema, phone)).toBe(phone)
        expect(p.phoneHash).toBe(vault.lookupHash('phone', phone))
        expect(phoneHashes.has(p.phoneHash)).toBe(true)
      } else {
        expect(parsed(nicknameSchema, p.nickname)).toBe(p.nickname)
        expect(idHashes.has(p.registeredIdNumberHash)).toBe(true)
        expect(phoneHashes.has(p.reservedPhoneHash)).toBe(true)
      }
    }
  })

  test('every login phone has a bound principal unless the demo says it must bind', () => {
    const mustBind = new Set(demoBindings.flatMap((b) => (b.phone ? [b.phone] : [])))
    for (const login of demoLogins.filter((l) => !l.label.includes('昵称登录'))) {
      const principal = world.principals.find(
        (p) => p.kind === 'phone' && p.phoneHash === vault.lookupHash('phone', login.phone),
      )
      expect({ phone: login.phone, state: principal?.bindingState }).toEqual({
        phone: login.phone,
        state: mustBind.has(login.phone) ? 'unbound' : 'bound',
      })
    }
    // every phone that reaches an account is listed as a demo login
    for (const a of world.accounts)
      expect(demoLogins.some((l) => vault.lookupHash('phone', l.phone) === a.loginPhoneHash)).toBe(true)
  })

  test('the data the demo tells users to type into 信息校验 passes the checks and matches a holder', () => {
    expect(demoBindings.length).toBeGreaterThanOrEqual(2)
    for (const b of demoBindings) {
      const check = checkIdNumber(b.idType, b.idNumber)
      if (!check.ok) throw new Error(`${b.login}: ${check.message}`)
      expect(idTypeFitsUserType(b.idType, b.userType)).toBe(true)
      const proof = { ...b, idNumberHash: vault.lookupHash('idNumber', check.normalized) }
      expect(world.accounts.filter((a) => holderMatches(a, proof))).toHaveLength(1)
      for (const label of demoLogins.filter((l) => l.label.includes(b.name)).map((l) => l.label))
        if (label.includes('信息校验')) expect(label).toContain(b.idNumber)
    }
    for (const { nickname } of Object.values(demoNicknames))
      expect(world.principals.some((p) => p.kind === 'nickname' && p.nickname === nickname)).toBe(true)
  })
})

describe('a newer seed over an older one', () => {
  test('leaves exactly the world a fresh seed writes (no stale trips or records beside it)', async () => {
    const store = openSqliteStore(join(dir, 'reseed.db'))
    try {
      // an older demo seed, written months earlier (its trip and record ids differ)
      await seedDemo(store, secrets, new Date('2025-11-01T02:00:00Z'))
      const meta = await store.get(collections.meta, 'demoSeed')
      await store.set(collections.meta, 'demoSeed', { ...meta, version: 2 })
      await seedDemo(store, secrets, now)
      const counts = async (s: Store) => ({
        accounts: await s.count(collections.accounts),
        vehicles: await s.count(collections.vehicles),
        cards: await s.count(collections.cards),
        records: await s.count(collections.statusListRecords),
        trips: await s.count(collections.trips),
        invoices: await s.count(collections.invoices),
        titles: await s.count(collections.invoiceTitles),
        principals: await s.count(collections.principals),
      })
      expect(await counts(store)).toEqual({
        accounts: world.accounts.length,
        vehicles: world.vehicles.length,
        cards: world.cards.length,
        records: world.records.length,
        trips: expect.any(Number),
        invoices: world.invoices.length,
        titles: world.titles.length,
        principals: world.principals.length,
      })
      const fresh = openSqliteStore(join(dir, 'seed.db'))
      try {
        expect(await store.count(collections.trips)).toBe(await fresh.count(collections.trips))
      } finally {
        fresh.close()
      }
    } finally {
      store.close()
    }
  }, 120_000)
})

describe('status-list records lie in their card’s life', () => {
  test('each record starts after its card was issued, and starts and ends before now', () => {
    const cards = new Map(world.cards.map((c) => [c.id, c]))
    expect(world.records.length).toBeGreaterThan(9)
    for (const r of world.records) {
      const card = cards.get(r.cardId)
      if (!card) throw new Error(`record ${r.id} names a missing card ${r.cardId}`)
      expect(r.accountId).toBe(card.accountId)
      const start = Date.parse(r.startAt)
      const issues = {
        id: r.id,
        afterIssue: start >= Date.parse(card.issuedAt),
        beforeNow: start <= now.getTime(),
      }
      expect(issues).toEqual({ id: r.id, afterIssue: true, beforeNow: true })
      if (r.endAt !== null) {
        expect(Date.parse(r.endAt)).toBeGreaterThan(start)
        expect(Date.parse(r.endAt)).toBeLessThanOrEqual(now.getTime())
      }
    }
  })

  test('the 状态名单 flag of every card follows its open records', () => {
    const open = new Set(world.records.filter((r) => r.endAt === null).map((r) => r.cardId))
    for (const c of world.cards)
      expect({ id: c.id, listed: c.inStatusList === true }).toEqual({
        id: c.id,
        listed: open.has(c.id),
      })
  })

  test("张伟's credit card: one open record, history within and beyond the default year", () => {
    const zhangCar = world.vehicles.find((v) => v.plate === '浙A8K2M7')
    if (!zhangCar) throw new Error('浙A8K2M7 missing')
    const mine = world.records.filter((r) => r.cardId === zhangCar.cardId)
    expect(mine.filter((r) => r.endAt === null)).toHaveLength(1)
    const yearAgo = now.getTime() - 365 * 86400_000
    expect(mine.filter((r) => Date.parse(r.startAt) >= yearAgo).length).toBeGreaterThanOrEqual(3)
    expect(mine.filter((r) => Date.parse(r.startAt) < yearAgo).length).toBeGreaterThanOrEqual(1)
    // the older part of the screen's history stays with the card this one replaced
    const replaced = world.cards.filter((c) => c.vehicleId === zhangCar.id && c.id !== zhangCar.cardId)
    expect(world.records.some((r) => replaced.some((c) => c.id === r.cardId))).toBe(true)
  })
})

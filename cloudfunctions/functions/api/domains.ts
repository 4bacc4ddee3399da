import type { ActionName } from '../../../types/api'
import type { ActionDomain, Handler } from './handlers'
import type { ZodType } from 'zod'

/**
 * Where each action lives. A domain (its zod schemas, handlers and what they import) loads on the
 * first call that needs it: a cold start compiles and builds only the domain it serves, and a new
 * domain adds nothing to the others' start. The bundler turns each `import()` into a deferred
 * require inside the one bundle file.
 */
const domainLoaders = {
  auth: () => import('./actions/authHandlers').then((m) => m.authDomain),
  etc: () => import('./actions/etcHandlers').then((m) => m.etcDomain),
  money: () => import('./actions/moneyHandlers').then((m) => m.moneyDomain),
  operator: () => import('./actions/operatorHandlers').then((m) => m.operatorDomain),
  exports: () => import('./actions/exportsHandlers').then((m) => m.exportsDomain),
  bills: () => import('./actions/billsHandlers').then((m) => m.billsDomain),
  invoices: () => import('./actions/invoicesHandlers').then((m) => m.invoicesDomain),
  load: () => import('./actions/loadHandlers').then((m) => m.loadDomain),
  outlet: () => import('./actions/outletHandlers').then((m) => m.outletDomain),
} satisfies Record<string, () => Promise<ActionDomain>>

export type DomainName = keyof typeof domainLoaders

type PrefixOf<A> = A extends `${infer P}.${string}` ? P : never
export type ActionPrefix = PrefixOf<ActionName>

/** Every action name's prefix names its domain; the compiler checks each prefix is listed. */
export const domainOfPrefix: Readonly<Record<ActionPrefix, DomainName>> = {
  auth: 'auth',
  account: 'etc',
  vehicles: 'etc',
  cards: 'etc',
  tags: 'etc',
  parking: 'etc',
  money: 'money',
  recharge: 'money',
  allocation: 'money',
  operator: 'operator',
  exports: 'exports',
  bills: 'bills',
  trips: 'bills',
  refunds: 'bills',
  invoices: 'invoices',
  invoiceSettings: 'invoices',
  invoiceTitles: 'invoices',
  load: 'load',
  outlet: 'outlet',
}

export const domainNames = Object.keys(domainLoaders) as DomainName[]

const loading = new Map<DomainName, Promise<ActionDomain>>()

export function loadDomain(name: DomainName): Promise<ActionDomain> {
  let domain = loading.get(name)
  if (!domain) {
    domain = domainLoaders[name]()
    loading.set(name, domain)
  }
  return domain
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key)

/** The schema and handler of a known action, or null for any other string. */
export async function findAction(action: string): Promise<{ schema: ZodType; handler: Handler } | null> {
  const prefix = action.slice(0, Math.max(0, action.indexOf('.')))
  if (!hasOwn(domainOfPrefix, prefix)) return null
  const domain = await loadDomain(domainOfPrefix[prefix as ActionPrefix])
  if (!hasOwn(domain.handlers, action) || !hasOwn(domain.schemas, action)) return null
  return { schema: domain.schemas[action], handler: domain.handlers[action] }
}

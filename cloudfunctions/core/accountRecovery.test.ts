import type { AccountDoc } from './documents'
import type { Sealed } from './personalDataVault'
import type { NicknamePrincipalDoc } from './principals'
import { resetDetailsMatch, resetPhoneAccount, recoverableAccounts, plateKeyValue } from './accountRecovery'

const sealed: Sealed = { v: 1, iv: '', ct: '', tag: '' }
const at = '2025-06-15T02:00:00.000Z'

function account(
  id: string,
  idNumberHash: string,
  loginPhoneHash: string,
  userType: 'personal' | 'unit' = 'personal',
): AccountDoc {
  const base = {
    id,
    name: '张伟',
    idType: '身份证' as const,
    idNumber: sealed,
    idNumberHash,
    loginPhoneHash,
    createdAt: at,
  }
  return userType === 'personal'
    ? { ...base, userType: 'personal', phone: sealed }
    : { ...base, userType: 'unit', agentName: '王五', agentPhone: sealed }
}

const principal: NicknamePrincipalDoc = {
  id: 'nickname:personal:zw',
  kind: 'nickname',
  userType: 'personal',
  bindingState: 'bound',
  verifiedIdHashes: ['id-zhang'],
  lastAccountId: null,
  createdAt: at,
  updatedAt: at,
  nickname: 'zw',
  nicknameKey: 'zw',
  passwordHash: 'x',
  passwordChangedAt: at,
  registeredName: '张伟',
  registeredIdType: '身份证',
  registeredIdNumberHash: 'id-zhang',
  reservedPhoneHash: 'phone-reserved',
  legacyAccountIds: ['acc-legacy'],
}

test('reset details: name, ID type and ID number must all match', () => {
  const right = { userName: ' 张伟 ', idType: '身份证' as const, idNumberHash: 'id-zhang' }
  expect(resetDetailsMatch(principal, right)).toBe(true)
  expect(resetDetailsMatch(principal, { ...right, userName: '张三' })).toBe(false)
  expect(resetDetailsMatch(principal, { ...right, idType: '护照' })).toBe(false)
  expect(resetDetailsMatch(principal, { ...right, idNumberHash: 'id-other' })).toBe(false)
})

test('the reset code goes to the holder account still reserving the registered phone, else the oldest', () => {
  const other = account('acc-b', 'id-zhang', 'phone-new')
  const reserving = account('acc-c', 'id-zhang', 'phone-reserved')
  const stranger = account('acc-a', 'id-stranger', 'phone-reserved')
  expect(resetPhoneAccount(principal, [stranger, other, reserving])?.id).toBe('acc-c')
  // the phone was changed at an outlet: the account's current phone gets the code
  expect(resetPhoneAccount(principal, [stranger, other])?.id).toBe('acc-b')
  expect(resetPhoneAccount(principal, [account('acc-legacy', 'id-old', 'p')])?.id).toBe('acc-legacy')
  // someone else's account, or another user type, never
  expect(resetPhoneAccount(principal, [stranger])).toBeNull()
  expect(resetPhoneAccount(principal, [account('acc-u', 'id-zhang', 'phone-reserved', 'unit')])).toBeNull()
  expect(resetPhoneAccount(principal, [])).toBeNull()
})

test('recovery shows only accounts the nickname is linked to', () => {
  const linked = account('acc-1', 'id-zhang', 'p')
  const legacy = account('acc-legacy', 'id-old', 'p')
  const foreign = account('acc-2', 'id-other', 'p')
  expect(recoverableAccounts(principal, [linked, legacy, foreign]).map((a) => a.id)).toEqual([
    'acc-1',
    'acc-legacy',
  ])
})

test('plates name their counters the same however they are typed', () => {
  expect(plateKeyValue(' 浙a8k2m7 ')).toBe(plateKeyValue('浙A8K2M7'))
  expect(plateKeyValue('浙A8K2M7')).not.toBe(plateKeyValue('浙A8K2M8'))
})

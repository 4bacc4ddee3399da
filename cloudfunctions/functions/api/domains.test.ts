import { domainNames, domainOfPrefix, findAction, loadDomain } from './domains'

describe('action domains', () => {
  it.each(domainNames)(
    'every action of %s is found through its prefix, with its own schema',
    async (name) => {
      const domain = await loadDomain(name)
      const actions = Object.keys(domain.handlers)
      expect(actions.length).toBeGreaterThan(0)
      expect(Object.keys(domain.schemas).sort()).toEqual([...actions].sort())
      for (const action of actions) {
        const prefix = action.slice(0, action.indexOf('.')) as keyof typeof domainOfPrefix
        expect([action, domainOfPrefix[prefix]]).toEqual([action, name])
        const found = await findAction(action)
        expect(found?.handler).toBe(domain.handlers[action])
        expect(found?.schema).toBe(domain.schemas[action])
      }
    },
  )

  it.each([
    '',
    '.',
    'auth',
    'auth.',
    'auth.nope',
    'toString.x',
    '__proto__.x',
    'constructor',
    'cards.list.x',
  ])('an unknown name %j finds nothing', async (action) => {
    await expect(findAction(action)).resolves.toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import { DEFAULT_SYNC_POLICY, syncPolicy } from '../../src/wire/policy/sync-policy.js'

// A plain-JS caller may mutate what it gets; the defaults every later policy starts from must not move.
describe('syncPolicy() hands out its own arrays', () => {
  it('pushing into a returned policy leaves the defaults and the next policy untouched', () => {
    const first = syncPolicy() as unknown as { bwList: { whiteLists: { path: string; excludePaths: string[] }[] }; recyclePolicy: { paths: string[] } }
    first.bwList.whiteLists.push({ path: '/leak', excludePaths: [] })
    first.bwList.whiteLists[0]!.excludePaths.push('/leak')
    first.recyclePolicy.paths.push('/leak')
    const second = syncPolicy()
    expect(second.bwList.whiteLists).toEqual([{ path: '', excludePaths: [] }])
    expect(second.recyclePolicy.paths).toEqual([''])
    expect(JSON.stringify(DEFAULT_SYNC_POLICY)).not.toContain('/leak')
  })

  it('the defaults are frozen all the way down', () => {
    expect(() => (DEFAULT_SYNC_POLICY.bwList.whiteLists as unknown as unknown[]).push({})).toThrow(TypeError)
    expect(() => (DEFAULT_SYNC_POLICY.recyclePolicy.paths as unknown as string[]).push('x')).toThrow(TypeError)
    expect(Object.isFrozen(DEFAULT_SYNC_POLICY.uploadPolicy)).toBe(true)
  })
})

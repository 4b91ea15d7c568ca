// Stop 18 audit: `Labels={"":"x"}` was stored. The official SDKs refuse blank or whitespace-only
// label keys before calling (official-sdk-calls §2), so the emulator answers such a request the way
// it answers other bad labels: 400 InvalidParameter naming Labels, with nothing changed.
import { describe, expect, it } from 'vitest'
import { createSession, ok, rpc, useEmulator } from './helpers.js'

const BLANK_KEYS = ['', ' ', '\t\n ']

describe('label keys must not be blank', () => {
  const env = useEmulator()

  it('refuses blank and whitespace-only keys in CreateMcpSession, SetLabel and ListSession', async () => {
    const emulator = await env.start()
    const sessionId = await createSession(emulator, [], { Labels: JSON.stringify({ env: 'test' }) })

    for (const key of BLANK_KEYS) {
      const labels = JSON.stringify({ ok: 'fine', [key]: 'x' })
      for (const [action, params] of [
        ['CreateMcpSession', { ImageId: 'linux_latest', Labels: labels }],
        ['SetLabel', { SessionId: sessionId, Labels: labels }],
        ['ListSession', { Labels: labels }],
      ] as const) {
        const answer = await rpc(emulator, emulator.apiKey, action, params)
        expect({ status: answer.status, code: answer.json['Code'], message: answer.json['Message'] }, `${action} ${JSON.stringify(key)}`).toEqual({
          status: 400,
          code: 'InvalidParameter',
          message: 'Labels is invalid: label keys cannot be blank',
        })
      }
    }

    // Nothing changed: still one session, with its labels.
    expect((await ok(emulator, 'ListSession', { Labels: '{}' }))['TotalCount']).toBe(1)
    expect(JSON.parse((await ok(emulator, 'GetLabel', { SessionId: sessionId }))['Data']['Labels'])).toEqual({ env: 'test' })
    // A key with spaces around a name is a key.
    await ok(emulator, 'SetLabel', { SessionId: sessionId, Labels: JSON.stringify({ ' a ': 'b' }) })
    expect(JSON.parse((await ok(emulator, 'GetLabel', { SessionId: sessionId }))['Data']['Labels'])).toEqual({ ' a ': 'b' })
  })
})

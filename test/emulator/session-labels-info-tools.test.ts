// Issue 11 item 3: the session actions the official SDKs call besides the context flow —
// SetLabel/GetLabel (official-sdk-calls §2), GetMcpResource (`session.info()`, §3.1) and
// ListMcpTools (§3.2) — driven through the official OpenAPI core with the official models.
import { describe, expect, it } from 'vitest'
import { FILE_TOOLS } from '../../src/emulator/tools.js'
import { useEmulator } from './helpers.js'
import {
  CallMcpToolResponse,
  CreateMcpSessionResponse,
  Envelope,
  body,
  model,
  officialClient,
  response,
  type GeneratedLikeClient,
} from './official-client.js'

/** `GetLabelResponseBody`: `Data.Labels` a string, plus the list fields of the model. */
const GetLabelResponse = response(
  body(model({ labels: ['Labels', 'string'] }), {
    maxResults: ['MaxResults', 'number'],
    nextToken: ['NextToken', 'string'],
    totalCount: ['TotalCount', 'number'],
  }),
)
const ListSessionResponse = response(
  body({ type: 'array', itemType: model({ sessionId: ['SessionId', 'string'], sessionStatus: ['SessionStatus', 'string'] }) }, {
    maxResults: ['MaxResults', 'number'],
    nextToken: ['NextToken', 'string'],
    totalCount: ['TotalCount', 'number'],
  }),
)
/** `GetMcpResourceResponseBodyData` with its `DesktopInfo`. */
const GetMcpResourceResponse = response(
  body(
    model({
      sessionId: ['SessionId', 'string'],
      resourceUrl: ['ResourceUrl', 'string'],
      desktopInfo: [
        'DesktopInfo',
        model({
          appId: ['AppId', 'string'],
          authCode: ['AuthCode', 'string'],
          connectionProperties: ['ConnectionProperties', 'string'],
          resourceId: ['ResourceId', 'string'],
          resourceType: ['ResourceType', 'string'],
          ticket: ['Ticket', 'string'],
        }),
      ],
    }),
  ),
)
/** `ListMcpToolsResponseBody`: `Data` is declared a string. */
const ListMcpToolsResponse = response(body('string'))

/** A `__proto__` label is data like any other (written as raw JSON: an object literal would set the prototype). */
const PROD_LABELS = '{"env":"prod","__proto__":"kept"}'

interface Tool {
  name: string
  description: string
  inputSchema: unknown
  server: string
  tool: string
}

async function newSession(client: GeneratedLikeClient, auth: string, labels?: Record<string, string>): Promise<string> {
  const created = await client.invoke(
    'CreateMcpSession',
    { body: { Authorization: auth, ImageId: 'linux_latest', ...(labels === undefined ? {} : { Labels: JSON.stringify(labels) }) } },
    CreateMcpSessionResponse,
  )
  return created.body.data.sessionId as string
}

describe('session actions of the official SDKs (issue 11 item 3)', () => {
  const env = useEmulator({ taskDelayMs: 20 })

  it('stores labels with SetLabel, reads them with GetLabel, filters ListSession by them, and replaces on overwrite (§2)', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const getLabels = async (sessionId: string) =>
      JSON.parse((await client.invoke('GetLabel', { body: { Authorization: auth, SessionId: sessionId } }, GetLabelResponse)).body.data.labels as string) as unknown
    const listed = async (filter: Record<string, string>) =>
      (await client.invoke('ListSession', { body: { Authorization: auth, Labels: JSON.stringify(filter), MaxResults: 10 } }, ListSessionResponse)).body.data.map(
        (item: { sessionId: string }) => item.sessionId,
      ) as string[]

    const labelled = await newSession(client, auth, { origin: 'create' })
    const other = await newSession(client, auth)
    expect(await getLabels(other)).toEqual({})
    expect(await getLabels(labelled)).toEqual({ origin: 'create' })

    const set = await client.invoke('SetLabel', { body: { Authorization: auth, Labels: JSON.stringify({ project: 'demo', env: 'test' }), SessionId: other } }, Envelope)
    expect(set.body).toMatchObject({ success: true, code: 'ok' })
    expect(await getLabels(other)).toEqual({ project: 'demo', env: 'test' })
    expect(await listed({ project: 'demo' })).toEqual([other])
    expect(await listed({ project: 'demo', env: 'test' })).toEqual([other])
    expect(await listed({ origin: 'create' })).toEqual([labelled])

    // Overwrite replaces the whole set (the doc's inference; never a merge).
    await client.invoke('SetLabel', { body: { Authorization: auth, Labels: PROD_LABELS, SessionId: other } }, Envelope)
    expect(await getLabels(other)).toEqual(JSON.parse(PROD_LABELS))
    expect(await listed({ project: 'demo' })).toEqual([])
    expect(await listed({ env: 'prod' })).toEqual([other])

    // Refusals: unknown session, missing and empty labels, a non-string value.
    await expect(
      client.invoke('SetLabel', { body: { Authorization: auth, Labels: JSON.stringify({ a: 'b' }), SessionId: 'session-nope' } }, Envelope),
    ).rejects.toMatchObject({ code: 'InvalidMcpSession.NotFound', statusCode: 400 })
    await expect(client.invoke('GetLabel', { body: { Authorization: auth, SessionId: 'session-nope' } }, GetLabelResponse)).rejects.toMatchObject({
      code: 'InvalidMcpSession.NotFound',
    })
    await expect(client.invoke('SetLabel', { body: { Authorization: auth, SessionId: other } }, Envelope)).rejects.toMatchObject({ code: 'MissingParameter' })
    await expect(client.invoke('SetLabel', { body: { Authorization: auth, Labels: '{}', SessionId: other } }, Envelope)).rejects.toMatchObject({
      code: 'InvalidParameter',
    })
    await expect(
      client.invoke('SetLabel', { body: { Authorization: auth, Labels: JSON.stringify({ n: 1 }), SessionId: other } }, Envelope),
    ).rejects.toMatchObject({ code: 'InvalidParameter' })
    expect(await getLabels(other)).toEqual(JSON.parse(PROD_LABELS)) // refusals changed nothing

    // Labels survive a restart (they are state, not request memory).
    const dataDir = emulator.dataDir
    await emulator.close()
    const restarted = await env.start({ dataDir })
    const again = officialClient(restarted)
    const afterRestart = await again.invoke('GetLabel', { body: { Authorization: `Bearer ${restarted.apiKey}`, SessionId: other } }, GetLabelResponse)
    expect(JSON.parse(afterRestart.body.data.labels as string)).toEqual(JSON.parse(PROD_LABELS))
  })

  it('answers GetMcpResource (session.info) with every field the official parser reads (§3.1)', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const sessionId = await newSession(client, auth)
    const info = await client.invoke('GetMcpResource', { body: { Authorization: auth, SessionId: sessionId } }, GetMcpResourceResponse)
    expect(info.body).toMatchObject({ success: true, code: 'ok' })
    const data = info.body.data
    expect(data.sessionId).toBe(sessionId)
    // The official test helpers read a `resourceId=<…>` query parameter from the URL.
    const resourceId = new URL(data.resourceUrl as string).searchParams.get('resourceId')
    expect(resourceId).toBeTruthy()
    expect(data.desktopInfo).toMatchObject({ resourceId, resourceType: 'Desktop' })
    for (const field of ['appId', 'authCode', 'connectionProperties', 'ticket']) expect(typeof data.desktopInfo[field]).toBe('string')

    // Unknown and deleted sessions are NotFound, which the SDK reports as "Session <id> not found".
    await expect(client.invoke('GetMcpResource', { body: { Authorization: auth, SessionId: 'session-nope' } }, GetMcpResourceResponse)).rejects.toMatchObject({
      code: 'InvalidMcpSession.NotFound',
      statusCode: 400,
    })
  })

  it('lists with ListMcpTools exactly the tools CallMcpTool serves (§3.2)', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const sessionId = await newSession(client, auth)
    // The SDK sends ImageId only (its create-time image, else linux_latest).
    const answer = await client.invoke('ListMcpTools', { body: { Authorization: auth, ImageId: 'linux_latest' } }, ListMcpToolsResponse)
    expect(answer.body).toMatchObject({ success: true, code: 'ok' })
    const tools = JSON.parse(answer.body.data as string) as Tool[]
    const names = tools.map((tool) => tool.name)
    expect(new Set(names).size).toBe(names.length)
    expect([...names].sort()).toEqual([...FILE_TOOLS].sort())
    for (const tool of tools) {
      expect(tool).toMatchObject({ name: expect.any(String), description: expect.any(String), server: expect.any(String), tool: tool.name })
      expect(typeof tool.inputSchema).toBe('object')
    }

    // Every listed tool is served (whatever its arguments say); an unlisted one is not.
    const call = async (name: string) =>
      (await client.invoke('CallMcpTool', { body: { Args: JSON.stringify({ path: '/tmp/probe' }), Authorization: auth, AutoGenSession: false, Name: name, Server: '', SessionId: sessionId } }, CallMcpToolResponse))
        .body.data as { content: { text: string }[]; isError: boolean }
    for (const name of names) expect((await call(name)).content[0]!.text).not.toMatch(/^Unknown tool/)
    expect((await call('not_a_tool')).content[0]!.text).toMatch(/^Unknown tool/)

    // The session's create-time ToolList names the same tools.
    const created = await client.invoke('CreateMcpSession', { body: { Authorization: auth, ImageId: 'linux_latest' } }, CreateMcpSessionResponse)
    expect((JSON.parse(created.body.data.toolList as string) as Tool[]).map((tool) => tool.name)).toEqual(names)
    // No LinkUrl/Token (official-sdk-calls §0.4), so the SDKs send CallMcpTool rather than POST <LinkUrl>/callTool.
    expect(created.body.data).toMatchObject({ linkUrl: '', token: '' })
  })

  it('advertises each tool with its own arguments: move_file takes source/destination, read_multiple_files paths', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const sessionId = await newSession(client, auth)
    const answer = await client.invoke('ListMcpTools', { body: { Authorization: auth, ImageId: 'linux_latest' } }, ListMcpToolsResponse)
    const schemas = new Map(
      (JSON.parse(answer.body.data as string) as Tool[]).map((tool) => [tool.name, tool.inputSchema as { properties: Record<string, unknown>; required: string[] }]),
    )
    expect(schemas.get('move_file')?.required).toEqual(['source', 'destination'])
    expect(schemas.get('read_multiple_files')?.required).toEqual(['paths'])
    expect(schemas.get('write_file')?.required).toEqual(['path', 'content'])

    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.invoke('CallMcpTool', { body: { Args: JSON.stringify(args), Authorization: auth, Name: name, SessionId: sessionId } }, CallMcpToolResponse))
        .body.data as { content: { text: string }[]; isError: boolean }
    // Every advertised required argument is really required: without it the tool refuses.
    for (const [name, schema] of schemas) {
      expect(schema.required.length).toBeGreaterThan(0)
      expect((await call(name, {})).isError).toBe(true)
    }
    // The advertised names are the ones the tools read.
    expect((await call('write_file', { path: '/tmp/a.txt', content: 'moved' })).isError).toBe(false)
    expect((await call('move_file', { source: '/tmp/a.txt', destination: '/tmp/b.txt' })).isError).toBe(false)
    expect((await call('read_multiple_files', { paths: ['/tmp/b.txt'] })).content[0]!.text).toContain('moved')
  })

  it('still answers unknown actions with InvalidAction.NotFound, and `__proto__` is no action', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    for (const action of ['NoSuchAction', '__proto__', 'constructor'])
      await expect(client.invoke(action, { body: { Authorization: `Bearer ${emulator.apiKey}` } }, Envelope)).rejects.toMatchObject({
        code: 'InvalidAction.NotFound',
        statusCode: 404,
      })
  })
})

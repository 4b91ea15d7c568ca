// Placeholder until the CLI lands (issue 5).
console.log('agentbay-rx: CLI not built yet')

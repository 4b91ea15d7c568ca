import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

// Runtime dependencies and node built-ins stay external: users' bundlers dedupe rxjs/ky/io-ts/fp-ts.
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0')

const entries = {
  index: 'src/index.ts',
  emulator: 'src/emulator/index.ts',
  testing: 'src/testing/index.ts',
}

const tsPlugin = () =>
  typescript({
    tsconfig: './tsconfig.build.json',
    declaration: false,
    sourceMap: true,
    outDir: 'dist',
    rootDir: 'src',
    noEmitOnError: true,
  })

export default [
  {
    input: entries,
    external,
    plugins: [tsPlugin()],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: { cli: 'src/cli/main.ts' },
    external,
    plugins: [tsPlugin()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/cli-[name]-[hash].js', banner: '#!/usr/bin/env node' },
  },
  ...Object.entries(entries).map(([name, input]) => ({
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { file: `dist/${name}.d.ts`, format: 'es' },
  })),
]

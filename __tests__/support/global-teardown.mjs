// Jest globalTeardown: removes the folder of the bundle global-setup.mjs built for this test run.
export { globalTeardown as default } from './global-setup.mjs'

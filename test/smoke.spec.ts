import { expect } from 'aegir/chai'
import { hello } from '../src/index.ts'
describe('smoke', () => { it('runs on node 22+', () => { console.log(process.version); expect(hello()).to.equal('hi') }) })

// `node --test scripts/polkadot-js/`: the arguments and amounts of check.mjs, without a chain.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, parseAmount, formatAmount, median, UsageError } from './args.mjs';

const UNIT = 10n ** 12n;

test('defaults are the story of scripts/devnet and scripts/testnet', () => {
    const o = parseArgs([]);
    assert.equal(o.help, false);
    assert.equal(o.url, 'ws://127.0.0.1:9944');
    assert.equal(o.seed, '//Eve');
    assert.equal(o.liar, '//Charlie');
    assert.equal(o.fee, '10UNIT');
    assert.equal(o.collateral, null);
    assert.equal(o.model, null);
    assert.match(o.input, /models\/digits_test_inputs\.bin$/);
});

test('options are read', () => {
    const id = '0x' + 'AB'.repeat(32);
    const o = parseArgs(['--url', 'ws://127.0.0.1:37157', '--model', id, '--liar', '//Bob', '--image', '7',
        '--follow', '2', '--max-jobs', '3', '--timeout', '90', '--fee', '2.5UNIT', '--collateral', '150UNIT']);
    assert.equal(o.url, 'ws://127.0.0.1:37157');
    assert.equal(o.model, id.toLowerCase());
    assert.equal(o.liar, '//Bob');
    assert.deepEqual([o.image, o.follow, o.maxJobs, o.timeout], [7, 2, 3, 90]);
    assert.deepEqual([o.fee, o.collateral], ['2.5UNIT', '150UNIT']);
});

test('--help wins over what follows it', () => {
    assert.equal(parseArgs(['--help', '--bogus']).help, true);
    assert.equal(parseArgs(['-h']).help, true);
});

test('bad arguments are refused with the reason', () => {
    const refused = (argv, re) => assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && re.test(e.message));
    refused(['--bogus'], /unknown argument --bogus/);
    refused(['--url'], /--url needs a value/);
    refused(['--url', 'http://127.0.0.1:9944'], /--url must be ws:\/\//);
    refused(['--model', '0x1234'], /--model must be 0x and 64 hex digits/);
    refused(['--model', '0x' + 'g'.repeat(64)], /--model must be/);
    refused(['--image', '-1'], /--image takes a whole number >= 0/);
    refused(['--follow', '0'], /--follow takes a whole number >= 1/);
    refused(['--max-jobs', 'two'], /--max-jobs takes a whole number >= 1/);
    refused(['--timeout', '1e3'], /--timeout takes a whole number >= 1/);
    refused(['--fee', '1.5'], /--fee must be plancks or e\.g\. 10UNIT/);
    refused(['--fee', '10 DOT'], /--fee must be plancks/);
    refused(['--collateral', '0.0000000000001UNIT'], /--collateral has more than 12 decimals/);
});

test('amounts in UNIT and in plancks', () => {
    assert.equal(parseAmount('10UNIT', 12, 'x'), 10n * UNIT);
    assert.equal(parseAmount('10unit', 12, 'x'), 10n * UNIT);
    assert.equal(parseAmount('0.001UNIT', 12, 'x'), UNIT / 1000n);
    assert.equal(parseAmount('1.5UNIT', 12, 'x'), 3n * UNIT / 2n);
    assert.equal(parseAmount('10000000000000', 12, 'x'), 10n * UNIT);
    assert.equal(parseAmount('0.000000000001UNIT', 12, 'x'), 1n);
    assert.throws(() => parseAmount('', 12, 'x'), UsageError);
    assert.throws(() => parseAmount('-1UNIT', 12, 'x'), UsageError);
});

test('amounts are printed in UNIT without trailing zeros', () => {
    assert.equal(formatAmount(100n * UNIT, 12), '100 UNIT');
    assert.equal(formatAmount(UNIT / 1000n, 12), '0.001 UNIT');
    assert.equal(formatAmount('1089150000000', 12), '1.08915 UNIT');
    assert.equal(formatAmount(0n, 12), '0 UNIT');
    assert.equal(formatAmount(-5n * UNIT / 2n, 12), '-2.5 UNIT');
    for (const text of ['10UNIT', '0.001UNIT', '123.456789UNIT']) {
        assert.equal(formatAmount(parseAmount(text, 12, 'x'), 12), text.replace('UNIT', ' UNIT'));
    }
});

test('median', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2);
    assert.ok(Number.isNaN(median([])));
});

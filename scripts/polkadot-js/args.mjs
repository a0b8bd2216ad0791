// The arguments of check.mjs and the amounts it reads and prints: plain functions, no chain and
// no polkadot.js, so that `node --test scripts/polkadot-js/` checks them without a node.

import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const HELP = `usage: scripts/polkadot-check [options]

Connects to a Vigil node with polkadot.js, prints the chain and its runtime version, follows
best and finalized heads, then submits jobs as the requester (one 64-byte digits test image
each) until one is assigned to the lying executor, and follows finalized blocks until that
job's dispute is resolved. Exits 0 only if the liar's claim was refuted and the liar slashed,
1 on any failure or timeout, 2 on bad arguments.

  --url URL          node to talk to (default ws://127.0.0.1:9944)
  --model 0x..       model id (default: the one registered model whose input is as long as
                     the test image, read from Models.Models)
  --input FILE       test images, 64 bytes each (default models/digits_test_inputs.bin)
  --image N          first image to submit (default 0; each further job takes the next)
  --seed URI         the requester (default //Eve)
  --liar URI         the executor that lies on every job (default //Charlie)
  --fee AMOUNT       fee of each job (default 10UNIT; a bare number is in plancks)
  --collateral AMT   collateral each job requires (default: the MinJobCollateral constant)
  --follow N         finalized heads to follow before submitting (default 4)
  --max-jobs N       jobs to submit at most before giving up on meeting the liar (default 6)
  --timeout S        seconds the whole check may take (default 300)
  -h, --help         this text`;

/** Bad arguments: check.mjs prints the message and exits 2. */
export class UsageError extends Error {}

const refuse = (message) => { throw new UsageError(message); };

/** The options from `argv` (without node and the script), or `{ help: true }`. */
export function parseArgs(argv) {
    const opts = {
        help: false,
        url: 'ws://127.0.0.1:9944',
        model: null,
        input: resolve(root, 'models', 'digits_test_inputs.bin'),
        image: 0,
        seed: '//Eve',
        liar: '//Charlie',
        fee: '10UNIT',
        collateral: null,
        follow: 4,
        maxJobs: 6,
        timeout: 300,
    };
    const int = (name, v, min) => {
        if (!/^\d{1,9}$/.test(v) || Number(v) < min) refuse(`${name} takes a whole number >= ${min}, not '${v}'`);
        return Number(v);
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) refuse(`${a} needs a value`);
            return argv[++i];
        };
        switch (a) {
            case '-h': case '--help': return { ...opts, help: true };
            case '--url': opts.url = value(); break;
            case '--model': opts.model = value(); break;
            case '--input': opts.input = value(); break;
            case '--image': opts.image = int(a, value(), 0); break;
            case '--seed': opts.seed = value(); break;
            case '--liar': opts.liar = value(); break;
            case '--fee': opts.fee = value(); break;
            case '--collateral': opts.collateral = value(); break;
            case '--follow': opts.follow = int(a, value(), 1); break;
            case '--max-jobs': opts.maxJobs = int(a, value(), 1); break;
            case '--timeout': opts.timeout = int(a, value(), 1); break;
            default: refuse(`unknown argument ${a}`);
        }
    }
    if (!/^wss?:\/\/\S+$/.test(opts.url)) refuse(`--url must be ws://... or wss://..., not '${opts.url}'`);
    if (opts.model !== null && !/^0x[0-9a-fA-F]{64}$/.test(opts.model)) {
        refuse(`--model must be 0x and 64 hex digits, not '${opts.model}'`);
    }
    opts.model = opts.model?.toLowerCase() ?? null;
    // Checked here too, so that a mistyped amount is refused before anything is sent.
    parseAmount(opts.fee, 12, '--fee');
    if (opts.collateral !== null) parseAmount(opts.collateral, 12, '--collateral');
    return opts;
}

/** `10UNIT`, `0.5UNIT` (at most `decimals` decimals) or a whole number of plancks, as a BigInt. */
export function parseAmount(text, decimals, what) {
    const m = /^(\d+)(?:\.(\d+))?(UNIT)?$/i.exec(String(text).trim());
    if (!m || (m[2] !== undefined && !m[3])) refuse(`${what} must be plancks or e.g. 10UNIT, not '${text}'`);
    if (!m[3]) return BigInt(m[1]);
    const frac = m[2] ?? '';
    if (frac.length > decimals) refuse(`${what} has more than ${decimals} decimals: '${text}'`);
    return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}

/** Plancks (anything whose `toString()` is an integer) as `10 UNIT`, `0.001 UNIT`. */
export function formatAmount(planck, decimals) {
    const p = BigInt(planck.toString());
    const unit = 10n ** BigInt(decimals);
    const sign = p < 0n ? '-' : '';
    const a = p < 0n ? -p : p;
    const frac = (a % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
    return `${sign}${a / unit}${frac ? '.' + frac : ''} UNIT`;
}

/** The lower median of `xs`, NaN when empty. */
export function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

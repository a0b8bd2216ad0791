// A Vigil chain seen through polkadot.js alone (`@polkadot/api`, `@polkadot/keyring`), as any
// outside client would: connect, follow best and finalized heads, submit jobs as a requester,
// and follow finalized blocks until a job given to a lying executor has been disputed and the
// liar slashed. Every type comes from the chain's metadata; nothing here is Vigil-specific code
// but the pallet's call, constant, storage and event names.
//
// Exit codes: 0 the dispute was resolved against the liar; 1 anything else (a refused
// transaction, a lie that went unrefuted, a timeout); 2 bad arguments.
//
// Run through scripts/polkadot-check, which installs the packages first; `--help` for options.

import { readFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { HELP, UsageError, parseArgs, parseAmount, formatAmount, median } from './args.mjs';

// ---------------------------------------------------------------------------------------------
// Printing

const started = Date.now();
const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s]`;
const log = (...args) => console.log(stamp(), ...args);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

class CheckFailed extends Error {}
const fail = (message) => { throw new CheckFailed(message); };

// Rejects at `deadline` (ms since the epoch) with a message naming what was awaited.
function withDeadline(promise, deadline, what) {
    const left = deadline - Date.now();
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckFailed(`timed out after ${secs(Date.now() - started)} waiting for ${what}`)), Math.max(left, 0));
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// The check

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
        console.log(HELP);
        return;
    }
    const deadline = started + opts.timeout * 1000;

    let images;
    try {
        images = readFileSync(opts.input);
    } catch (e) {
        throw new UsageError(`cannot read --input ${opts.input}: ${e.message}`);
    }
    const IMAGE = 64;
    if (images.length < IMAGE * (opts.image + opts.maxJobs)) {
        throw new UsageError(`${opts.input} has ${Math.floor(images.length / IMAGE)} images of ${IMAGE} bytes; --image ${opts.image} with --max-jobs ${opts.maxJobs} needs ${opts.image + opts.maxJobs}`);
    }

    // Connect. `throwOnConnect` makes an unreachable node an error rather than endless retries;
    // the rejection is then the socket's error event, not an Error.
    log(`connecting to ${opts.url}`);
    const provider = new WsProvider(opts.url, false);
    const api = await withDeadline(
        provider.connect().then(() => ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true })).catch((e) => {
            provider.disconnect().catch(() => {});
            fail(`cannot connect to ${opts.url}: ${e instanceof Error ? e.message : 'the connection was refused or closed'}`);
        }),
        deadline, `a connection to ${opts.url} and its metadata`);
    // The provider does not reconnect (autoConnect off), so a lost connection would leave every
    // subscription silent until the timeout: fail at once instead.
    let done = false;
    const lost = new Promise((_, reject) => provider.on('disconnected', () => {
        if (!done) reject(new CheckFailed(`lost the connection to ${opts.url}`));
    }));
    try {
        await Promise.race([run(api, opts, images, IMAGE, deadline), lost]);
    } finally {
        done = true;
        await api.disconnect().catch(() => {});
    }
}

async function run(api, opts, images, IMAGE, deadline) {
    // -- The chain.
    const [chain, nodeName, nodeVersion, props, health] = await Promise.all([
        api.rpc.system.chain(), api.rpc.system.name(), api.rpc.system.version(),
        api.rpc.system.properties(), api.rpc.system.health(),
    ]);
    const v = api.runtimeVersion;
    const decimals = props.tokenDecimals.isSome ? props.tokenDecimals.unwrap()[0].toNumber() : 12;
    const symbol = props.tokenSymbol.isSome ? props.tokenSymbol.unwrap()[0].toString() : 'UNIT';
    const ss58 = props.ss58Format.isSome ? props.ss58Format.unwrap().toNumber() : 42;
    log(`chain (system_chain): ${chain}; node ${nodeName} ${nodeVersion}; peers ${health.peers}`);
    log(`runtime: ${v.specName} spec_version ${v.specVersion} impl_version ${v.implVersion} transaction_version ${v.transactionVersion}; metadata v${api.runtimeMetadata.version}`);
    log(`genesis ${api.genesisHash.toHex()}; token ${symbol}, ${decimals} decimals, ss58 format ${ss58}`);
    const fmt = (planck) => formatAmount(planck, decimals);

    if (!api.tx.inference?.submitJob || !api.events.inference?.DisputeResolved) {
        fail('the runtime has no Inference.submit_job call or DisputeResolved event: is this a Vigil node?');
    }

    // Accounts, and names for the development accounts in what we print.
    const keyring = new Keyring({ type: 'sr25519', ss58Format: ss58 });
    const account = (uri, option) => {
        try {
            return keyring.addFromUri(uri);
        } catch (e) {
            throw new UsageError(`${option} '${uri}' is no secret URI: ${e.message}`);
        }
    };
    const requester = account(opts.seed, '--seed');
    const liar = account(opts.liar, '--liar').address;
    const names = new Map();
    for (const n of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
        names.set(keyring.addFromUri(`//${n}`).address, n);
    }
    const who = (address) => names.get(address.toString()) ?? address.toString();

    // -- Best and finalized heads. A block's finality time is from the moment it was first seen
    // as a best head to the moment a finalized head at or above it was seen (0 when it arrived
    // already finalized, as on a dev chain that finalizes what it seals).
    const bestSeen = new Map();
    let best = 0;
    let lastFinal = null;
    const lags = [];
    const unsubBest = await api.rpc.chain.subscribeNewHeads((h) => {
        const n = h.number.toNumber();
        best = Math.max(best, n);
        const final = lastFinal !== null && n <= lastFinal;
        if (final) lags.push(0);
        else if (!bestSeen.has(n)) bestSeen.set(n, Date.now());
        log(`best      #${n} ${h.hash.toHex().slice(0, 18)}..${final ? ' (already finalized)' : ''}`);
    });
    let finalizedCount = 0;
    let onFinalized = () => {};
    const unsubFinal = await api.rpc.chain.subscribeFinalizedHeads((h) => {
        const n = h.number.toNumber();
        const now = Date.now();
        best = Math.max(best, n);
        const newly = [];
        for (const [m, t] of [...bestSeen]) {
            if (m <= n) {
                newly.push(`#${m} ${secs(now - t)}`);
                lags.push(now - t);
                bestSeen.delete(m);
            }
        }
        const lagText = newly.length ? `; best→finalized ${newly.join(', ')}` : '';
        log(`finalized #${n} ${h.hash.toHex().slice(0, 18)}.. (best #${best}, ${best - n} behind${lagText})`);
        lastFinal = n;
        finalizedCount++;
        onFinalized(n);
    });
    const heads = () => { unsubBest(); unsubFinal(); };

    try {
        log(`following heads until ${opts.follow} finalized heads were seen`);
        await withDeadline(new Promise((ok) => {
            onFinalized = () => { if (finalizedCount >= opts.follow) ok(); };
            onFinalized();
        }), deadline, `${opts.follow} finalized heads`);
        onFinalized = () => {};
        if (lags.length) {
            log(`best→finalized over ${lags.length} blocks: min ${secs(Math.min(...lags))}, median ${secs(median(lags))}, max ${secs(Math.max(...lags))}`);
        }

        // -- The model, the constants, the executors.
        let modelId = opts.model;
        const models = await api.query.models.models.entries();
        const registered = models.map(([k, info]) => ({ id: k.args[0].toHex(), info: info.unwrap() }));
        for (const m of registered) {
            log(`model ${m.id}: ${m.info.layerCount} layers, input ${m.info.inputLen} bytes, output ${m.info.outputLen} bytes, owner ${who(m.info.owner)}`);
        }
        if (modelId === null) {
            const fit = registered.filter((m) => m.info.inputLen.toNumber() === IMAGE);
            if (fit.length === 0) fail(`no registered model takes a ${IMAGE}-byte input (Models.Models has ${registered.length}); register the digits classifier first`);
            if (fit.length > 1) fail(`${fit.length} registered models take a ${IMAGE}-byte input; choose one with --model`);
            modelId = fit[0].id;
        } else if (!registered.some((m) => m.id === modelId.toLowerCase())) {
            fail(`model ${modelId} is not registered on this chain`);
        }
        const minCollateral = api.consts.inference.minJobCollateral;
        const fee = parseAmount(opts.fee, decimals, '--fee');
        const collateral = opts.collateral === null ? minCollateral.toBigInt() : parseAmount(opts.collateral, decimals, '--collateral');
        const window = await api.query.inference.challengeWindowBlocks();
        log(`constants: MinJobCollateral ${fmt(minCollateral)}, MinJobFee ${fmt(api.consts.inference.minJobFee)}; this chain's challenge window (ChallengeWindowBlocks) ${window} blocks`);
        const executors = await api.query.inference.executorList();
        log(`executors taking jobs: ${executors.map(who).join(', ') || 'none'}; the liar is ${who(liar)}`);
        if (!executors.some((e) => e.toString() === liar)) {
            fail(`${who(liar)} is not among the executors (Inference.ExecutorList); start the lying executor first`);
        }

        // -- Jobs, until one goes to the liar.
        let job = null;
        for (let k = 0; k < opts.maxJobs && job === null; k++) {
            const index = opts.image + k;
            // As hex: a Uint8Array given for a `Vec<u8>` would be read as already SCALE-encoded.
            const input = '0x' + images.subarray(index * IMAGE, (index + 1) * IMAGE).toString('hex');
            log(`${who(requester.address)} submits image ${index} to model ${modelId.slice(0, 10)}.., fee ${fmt(fee)}, collateral ${fmt(collateral)}`);
            const tx = api.tx.inference.submitJob(modelId, input, fee, collateral);
            const r = await withDeadline(sendAndFinalize(api, tx, requester), deadline, 'a job to be finalized');
            const ev = r.events.find(({ event }) => api.events.inference.JobSubmitted.is(event));
            if (!ev) fail(`the job's extrinsic in block #${r.number} emitted no Inference.JobSubmitted`);
            const d = ev.event.data;
            log(`JobSubmitted: job ${d.jobId}, executor ${who(d.executor)}, claim deadline #${d.claimDeadline}; in block #${r.number} after ${secs(r.inBlockMs)}, finalized after ${secs(r.finalizedMs)}`);
            if (d.executor.toString() === liar) {
                job = { id: d.jobId.toNumber(), block: r.number, submittedAt: r.sentAt };
            }
        }
        if (job === null) fail(`none of ${opts.maxJobs} jobs went to ${who(liar)}`);

        // -- The liar's job: read every finalized block's events from the job's block on.
        log(`following finalized blocks for job ${job.id} (assigned to ${who(liar)})`);
        const verdict = await withDeadline(followJob(api, job, liar, who, fmt, (h) => { onFinalized = h; }, lastFinal), deadline, `the dispute of job ${job.id}`);
        log(`job ${job.id}: ${verdict}`);
        if (lags.length) {
            log(`best→finalized over the ${lags.length} blocks seen: min ${secs(Math.min(...lags))}, median ${secs(median(lags))}, max ${secs(Math.max(...lags))}`);
        }
    } finally {
        heads();
    }
}

// Sign and send `tx`; resolves once it is in a finalized block, rejects on any dispatch error
// (decoded from the metadata) or if the pool drops it.
function sendAndFinalize(api, tx, signer) {
    return new Promise((resolvePromise, reject) => {
        const sentAt = Date.now();
        let inBlockMs = null;
        let unsub = () => {};
        tx.signAndSend(signer, (result) => {
            const s = result.status;
            if (result.dispatchError) {
                unsub();
                reject(new CheckFailed(`the transaction failed: ${describeError(api, result.dispatchError)}`));
            } else if (s.isInBlock) {
                inBlockMs = Date.now() - sentAt;
            } else if (s.isFinalized) {
                unsub();
                api.rpc.chain.getHeader(s.asFinalized).then((h) => resolvePromise({
                    number: h.number.toNumber(), events: result.events, sentAt,
                    inBlockMs: inBlockMs ?? Date.now() - sentAt, finalizedMs: Date.now() - sentAt,
                }), reject);
            } else if (s.isInvalid || s.isDropped || s.isUsurped || s.isFinalityTimeout) {
                unsub();
                reject(new CheckFailed(`the transaction was not included: ${s.type}`));
            }
        }).then((u) => { unsub = u; }, (e) => reject(new CheckFailed(`the node refused the transaction: ${e.message}`)));
    });
}

function describeError(api, err) {
    if (err.isModule) {
        const m = api.registry.findMetaError(err.asModule);
        return `${m.section}::${m.name}: ${m.docs.join(' ')}`;
    }
    return err.toString();
}

// Reads the events of every finalized block after the job's, in order, printing those about the
// job; resolves with the verdict if the liar was refuted and slashed, rejects otherwise.
function followJob(api, job, liar, who, fmt, setOnFinalized, lastFinal) {
    const inference = api.events.inference;
    return new Promise((resolvePromise, reject) => {
        let next = job.block + 1;
        let busy = Promise.resolve();
        let resolved = null;
        const scanTo = (final) => {
            busy = busy.then(async () => {
                while (next <= final) {
                    const n = next++;
                    const hash = await api.rpc.chain.getBlockHash(n);
                    const events = await (await api.at(hash)).query.system.events();
                    const inBlock = [];
                    for (const { event } of events) {
                        if (event.section !== 'inference') continue;
                        const d = event.data;
                        const about = (d.jobId && d.jobId.toNumber() === job.id)
                            || (inference.Slashed.is(event) && d.who.toString() === liar);
                        if (about) inBlock.push(event);
                    }
                    for (const event of inBlock) {
                        log(`#${n} ${event.section}.${event.method} ${fields(event, who, fmt)} (read finalized ${secs(Date.now() - job.submittedAt)} after submission)`);
                    }
                    for (const event of inBlock) {
                        const d = event.data;
                        if (inference.DisputeResolved.is(event)) {
                            if (!d.executorWasWrong.isTrue) throw new CheckFailed(`the dispute of job ${job.id} found the executor right: ${who(liar)} did not lie, or the challenge was wrong`);
                            resolved = { block: n, challenger: who(d.challenger), layer: d.layer.toNumber() };
                        } else if (inference.ClaimFinalized.is(event)) {
                            throw new CheckFailed(`job ${job.id}'s claim by ${who(liar)} finalized unchallenged: the lie was not caught (is a challenger running?)`);
                        } else if (inference.JobTimedOut.is(event)) {
                            throw new CheckFailed(`job ${job.id} timed out: nobody answered it`);
                        } else if (inference.JobReassigned.is(event) && d.to.toString() !== liar) {
                            throw new CheckFailed(`job ${job.id} moved from ${who(liar)} to ${who(d.to)} (the liar missed its claim deadline)`);
                        }
                    }
                    if (resolved) {
                        const slashed = inBlock.filter((e) => inference.Slashed.is(e) && e.data.reason.isFalseClaim);
                        if (!slashed.length) throw new CheckFailed(`job ${job.id}'s dispute was resolved in #${n} but ${who(liar)} was not slashed for a false claim there`);
                        return resolvePromise(`refuted at layer ${resolved.layer} in finalized block #${resolved.block}, ${who(liar)} slashed ${fmt(slashed[0].data.amount)}, challenger ${resolved.challenger}; ${secs(Date.now() - job.submittedAt)} after submission`);
                    }
                }
            }).catch(reject);
        };
        setOnFinalized(scanTo);
        if (lastFinal !== null) scanTo(lastFinal);
    });
}

// `{ job_id: 3, executor: Charlie, fee: 10 UNIT, ... }`: the field names from the metadata, the
// development accounts by name, balances in UNIT.
function fields(event, who, fmt) {
    const names = event.meta.fields.map((f) => f.name.unwrap().toString());
    const parts = event.data.map((value, i) => {
        const type = value.toRawType();
        let text;
        if (type === 'AccountId32' || type === 'AccountId') text = who(value);
        else if (type === 'u128') text = fmt(value);
        else if (type.startsWith('Option<')) {
            if (value.isNone) text = 'None';
            else text = value.unwrap().toRawType().startsWith('AccountId') ? who(value.unwrap()) : value.unwrap().toString();
        } else text = value.toString();
        return `${names[i]}: ${text}`;
    });
    return `{ ${parts.join(', ')} }`;
}

main().then(() => process.exit(0), (e) => {
    if (e instanceof UsageError) {
        console.error(`polkadot-check: ${e.message} (see --help)`);
        process.exit(2);
    }
    if (e instanceof CheckFailed) console.error(`${stamp()} FAILED: ${e.message}`);
    else console.error(`${stamp()} FAILED: ${e.stack ?? e}`);
    process.exit(1);
});

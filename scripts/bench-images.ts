/**
 * `npm run bench:images`: throughput, peak memory, output quality and cost of
 * the resize handler's image work, for 12-megapixel JPEGs (4000x3000) turned
 * into the component's three renditions (WebP q80 at 150/640/1280 px).
 *
 * The parent generates photo-like JPEGs (about 4 MB each) into a temporary
 * directory, bundles this file with esbuild (sharp external) and runs each
 * measured pipeline as a worker in a fresh Node process pinned to one CPU
 * (`taskset -c 0`), with `UV_THREADPOOL_SIZE=1` and `sharp.concurrency(1)`,
 * so generation and the bundler never count. Pipelines:
 *
 * - `handler`: the handler's own `renderRenditions` (decode once with JPEG
 *   shrink-on-load to the largest rendition, the smaller ones from it);
 * - `per-rendition`: the previous design, one decode (with shrink-on-load)
 *   per rendition, for the side-by-side ratio;
 * - `decode-floor`: a plain full decode of each JPEG to raw pixels and
 *   nothing else, the floor any full-decode pipeline pays.
 *
 * Quality: every rendition is compared (PSNR, dB, on 8-bit RGB) with a
 * reference made from the fully decoded source (no shrink-on-load) resized
 * to the same size with the same kernel and kept lossless. Cost: the
 * handler's CPU seconds per image stretched to the function's vCPU share
 * (memory / 1769 MB), times the memory in GB, times the Lambda GB-second
 * price of the architecture (pricing/us-east-1.json), plus the request
 * price; per thousand images. Target: at least 5 images/s per core.
 *
 *   npm run bench:images -- [--images 10] [--efforts 2] [--memory-size 1536] [--arch arm64]
 *   npm run bench:images -- --efforts 0,1,2,3,4,6     # WebP effort sweep
 *   npm run bench:images -- --memory                  # peak RSS per megapixel by input format
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import sharp from "sharp";
import { DEFAULT_RENDITIONS, DEFAULTS } from "../lambda/image-resizer/src/config";
import { renderRenditions } from "../lambda/image-resizer/src/render";

const TARGET_IMAGES_PER_SECOND = 5;
/** Lambda gives a function one full vCPU at 1769 MB, proportionally less below. */
const MB_PER_VCPU = 1769;

type Pipeline = "handler" | "per-rendition" | "decode-floor" | "memory";

interface WorkerJob {
    readonly pipeline: Pipeline;
    readonly files: string[];
    readonly webpEffort: number;
    /** Where the handler pipeline writes its renditions (for the PSNR pass). */
    readonly outDir?: string;
}

interface WorkerReport {
    readonly images: number;
    readonly totalSeconds: number;
    /** User + system CPU seconds of the worker while working (robust to other load on the machine). */
    readonly cpuSeconds: number;
    readonly baselineRssMb: number;
    readonly peakRssMb: number;
    readonly outputBytes: number;
}

interface Options {
    readonly images: number;
    readonly efforts: number[];
    readonly memorySize: number;
    readonly arch: "arm64" | "x86_64";
    readonly memory: boolean;
}

function parse(argv: string[]): Options {
    let images = 10;
    let efforts = [DEFAULTS.webpEffort as number];
    let memorySize = 1536;
    let arch: Options["arch"] = "arm64";
    let memory = false;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        const value = () => inline ?? argv[++i] ?? "";
        if (flag === "--images") images = Number(value());
        else if (flag === "--efforts") efforts = value().split(",").map(Number);
        else if (flag === "--memory-size") memorySize = Number(value());
        else if (flag === "--arch") arch = value() as Options["arch"];
        else if (flag === "--memory") memory = true;
        else throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    }
    if (!Number.isInteger(images) || images < 1 || images > 500) throw new Error("--images: expected 1 to 500");
    if (!efforts.every((e) => Number.isInteger(e) && e >= 0 && e <= 6)) throw new Error("--efforts: expected 0 to 6");
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
        throw new Error("--memory-size: expected 128 to 10240 (MB)");
    }
    if (arch !== "arm64" && arch !== "x86_64") throw new Error('--arch: expected "arm64" or "x86_64"');
    return { images, efforts, memorySize, arch, memory };
}

/** A 4000x3000 photo-like JPEG: fine grain over smooth large-scale variation, quality 90. */
async function photo(seed: number): Promise<Buffer> {
    const width = 4000;
    const height = 3000;
    const grain = await sharp({
        create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } },
    })
        .raw()
        .toBuffer();
    const tint = { r: (seed * 37) % 64, g: (seed * 53) % 64, b: (seed * 91) % 64 };
    return sharp(grain, { raw: { width, height, channels: 3 } })
        .blur(1)
        .linear([1, 0.9, 0.8], [tint.r, tint.g, tint.b])
        .jpeg({ quality: 90 })
        .toBuffer();
}

/**
 * This process's peak resident set size: VmHWM from /proc/self/status, which
 * starts afresh at exec (getrusage's maxRSS would carry the parent's peak
 * across fork on Linux).
 */
function peakRssMb(): number {
    try {
        const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
        if (hwm) return Number(hwm[1]) / 1024;
    } catch {
        // Not Linux: fall through.
    }
    return process.resourceUsage().maxRSS / 1024;
}

/** The previous design: one decode per rendition (shrink-on-load each time). */
async function perRendition(input: Buffer, webpEffort: number): Promise<number> {
    let bytes = 0;
    const source = sharp(input, { autoOrient: true, failOn: "warning" });
    for (const r of DEFAULT_RENDITIONS) {
        const out = await source
            .clone()
            .resize({ width: r.width, withoutEnlargement: true })
            .webp({ quality: DEFAULTS.quality, effort: webpEffort })
            .toBuffer();
        bytes += out.length;
    }
    return bytes;
}

async function worker(job: WorkerJob): Promise<void> {
    sharp.concurrency(1);
    sharp.cache(false);
    const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
    let outputBytes = 0;
    const started = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const file of job.files) {
        const input = fs.readFileSync(file);
        if (job.pipeline === "decode-floor") {
            outputBytes += (await sharp(input).raw().toBuffer()).length;
        } else if (job.pipeline === "per-rendition") {
            outputBytes += await perRendition(input, job.webpEffort);
        } else {
            const result = await renderRenditions(input, {
                renditions: DEFAULT_RENDITIONS,
                formats: ["webp"],
                quality: DEFAULTS.quality,
                webpEffort: job.webpEffort,
                maxInputPixels: 1_000_000_000,
            });
            for (const r of result.renditions) {
                outputBytes += r.bytes;
                if (job.outDir)
                    fs.writeFileSync(path.join(job.outDir, `${path.basename(file)}.${r.name}.webp`), r.data);
            }
        }
    }
    const report: WorkerReport = {
        images: job.files.length,
        totalSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuStart)),
        baselineRssMb,
        peakRssMb: peakRssMb(),
        outputBytes,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Runs a worker in a fresh process pinned to core 0 (when taskset exists). */
function runWorker(workerFile: string, job: WorkerJob, pinned: boolean): WorkerReport {
    const node = [process.execPath, workerFile, "--worker", JSON.stringify(job)];
    const [cmd, ...args] = pinned ? ["taskset", "-c", "0", ...node] : node;
    const run = spawnSync(cmd, args, {
        env: { ...process.env, UV_THREADPOOL_SIZE: "1" },
        encoding: "utf8",
        maxBuffer: 16 * 2 ** 20,
    });
    if (run.status !== 0) throw new Error(`worker ${job.pipeline} failed (${run.status}):\n${run.stderr}`);
    return JSON.parse(run.stdout.trim().split("\n").pop()!) as WorkerReport;
}

/** PSNR (dB) of two 8-bit images of equal size and channel count. */
function psnr(a: Buffer, b: Buffer): number {
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
        const d = a[i] - b[i];
        sum += d * d;
    }
    const mse = sum / a.length;
    return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** 8-bit RGB pixels of an encoded image. */
async function rgb(data: Buffer | sharp.Sharp): Promise<{ data: Buffer; width: number; height: number }> {
    const pipeline = Buffer.isBuffer(data) ? sharp(data) : data;
    const out = await pipeline.removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    return { data: out.data, width: out.info.width, height: out.info.height };
}

/** Mean PSNR per rendition of the handler's output against full-decode references. */
async function quality(files: string[], outDir: string): Promise<Record<string, number>> {
    const sums: Record<string, number> = {};
    for (const file of files) {
        for (const r of DEFAULT_RENDITIONS) {
            const produced = await rgb(fs.readFileSync(path.join(outDir, `${path.basename(file)}.${r.name}.webp`)));
            // Full decode (no shrink-on-load), the same resize, no lossy encoding.
            const reference = await rgb(
                sharp(fs.readFileSync(file), { autoOrient: true }).resize({
                    width: produced.width,
                    height: produced.height,
                    fit: "fill",
                    fastShrinkOnLoad: false,
                }),
            );
            sums[r.name] = (sums[r.name] ?? 0) + psnr(produced.data, reference.data);
        }
    }
    return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / files.length]));
}

/** Lambda price per GB-second of an architecture and per request, from the us-east-1 table. */
function lambdaPrices(root: string, arch: Options["arch"]) {
    const table = JSON.parse(fs.readFileSync(path.join(root, "pricing", "us-east-1.json"), "utf8"));
    const lambda = table.usage.rates.lambda as {
        source: string;
        arm64GbSecond: number;
        x86GbSecond: number;
        requestsPerMillion: number;
    };
    return {
        gbSecond: arch === "arm64" ? lambda.arm64GbSecond : lambda.x86GbSecond,
        request: lambda.requestsPerMillion / 1e6,
        source: `${lambda.source}, taken on ${table.takenOn}`,
    };
}

/** The inputs of the memory table: 25-megapixel images (10 and 50 MP for the worst format) of each kind. */
const MEMORY_INPUTS: readonly {
    readonly name: string;
    readonly side: number;
    readonly make: (p: sharp.Sharp) => sharp.Sharp;
    readonly alpha: boolean;
}[] = [
    {
        name: "PNG 16-bit RGBA interlaced",
        side: 3163,
        alpha: true,
        make: (p) => p.toColourspace("rgb16").png({ progressive: true, compressionLevel: 1 }),
    },
    {
        name: "PNG 16-bit RGBA interlaced",
        side: 5000,
        alpha: true,
        make: (p) => p.toColourspace("rgb16").png({ progressive: true, compressionLevel: 1 }),
    },
    {
        name: "PNG 16-bit RGBA interlaced",
        side: 7072,
        alpha: true,
        make: (p) => p.toColourspace("rgb16").png({ progressive: true, compressionLevel: 1 }),
    },
    {
        name: "PNG 16-bit RGB interlaced",
        side: 5000,
        alpha: false,
        make: (p) => p.toColourspace("rgb16").png({ progressive: true, compressionLevel: 1 }),
    },
    {
        name: "PNG 8-bit RGBA interlaced",
        side: 5000,
        alpha: true,
        make: (p) => p.png({ progressive: true, compressionLevel: 1 }),
    },
    {
        name: "PNG 16-bit RGBA",
        side: 5000,
        alpha: true,
        make: (p) => p.toColourspace("rgb16").png({ compressionLevel: 1 }),
    },
    { name: "JPEG progressive", side: 5000, alpha: false, make: (p) => p.jpeg({ progressive: true }) },
    { name: "JPEG baseline", side: 5000, alpha: false, make: (p) => p.jpeg() },
    {
        name: "TIFF 16-bit LZW",
        side: 5000,
        alpha: false,
        make: (p) => p.toColourspace("rgb16").tiff({ compression: "lzw" }),
    },
    { name: "WebP", side: 5000, alpha: false, make: (p) => p.webp() },
];

/** `--memory`: peak RSS of the handler's render, one fresh process per input. */
async function memoryTable(workerFile: string, dir: string, pinned: boolean): Promise<void> {
    console.log("bench:images --memory: peak RSS of renderRenditions (three WebP renditions), one process per image");
    console.log("| input | megapixels | file MB | peak RSS MB | above baseline MB | MB per megapixel |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const input of MEMORY_INPUTS) {
        const file = path.join(dir, `memory-${input.side}-${input.name.replace(/\W+/g, "-")}.img`);
        const base = sharp({
            create: {
                width: input.side,
                height: input.side,
                channels: input.alpha ? 4 : 3,
                background: { r: 40, g: 90, b: 160, alpha: 0.7 },
            },
        });
        fs.writeFileSync(file, await input.make(base).toBuffer());
        const report = runWorker(
            workerFile,
            { pipeline: "handler", files: [file], webpEffort: DEFAULTS.webpEffort },
            pinned,
        );
        const mp = (input.side * input.side) / 1e6;
        const above = report.peakRssMb - report.baselineRssMb;
        console.log(
            `| ${input.name} | ${mp.toFixed(1)} | ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} | ${report.peakRssMb.toFixed(0)} | ${above.toFixed(0)} | ${(above / mp).toFixed(1)} |`,
        );
        fs.rmSync(file);
    }
}

/** Builds this file as the worker (sharp external, like the Lambda bundle). */
function bundleWorker(root: string): string {
    const esbuild = require("esbuild") as typeof import("esbuild");
    const workerFile = path.join(root, "build", "bench", "bench-images-worker.js");
    esbuild.buildSync({
        absWorkingDir: root,
        entryPoints: [path.join(root, "scripts", "bench-images.ts")],
        outfile: workerFile,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        external: ["sharp", "esbuild"],
        logLevel: "silent",
    });
    return workerFile;
}

function canPin(): boolean {
    if (process.platform !== "linux") return false;
    try {
        execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

const perImage = (r: WorkerReport) => r.cpuSeconds / r.images;

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv[0] === "--worker") {
        await worker(JSON.parse(argv[1]) as WorkerJob);
        return;
    }
    const options = parse(argv);
    const root = path.resolve(__dirname, "..");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-images-"));
    const pinned = canPin();
    try {
        const workerFile = bundleWorker(root);
        if (options.memory) {
            await memoryTable(workerFile, dir, pinned);
            return;
        }
        console.log(`bench:images: generating ${options.images} 12-megapixel JPEGs (4000x3000) ...`);
        const files: string[] = [];
        let sourceBytes = 0;
        for (let i = 0; i < options.images; i++) {
            const jpeg = await photo(i);
            sourceBytes += jpeg.length;
            files.push(path.join(dir, `photo-${String(i).padStart(3, "0")}.jpg`));
            fs.writeFileSync(files[i], jpeg);
        }
        const effort = options.efforts[0];
        const floor = runWorker(workerFile, { pipeline: "decode-floor", files, webpEffort: effort }, pinned);
        const previous = runWorker(workerFile, { pipeline: "per-rendition", files, webpEffort: effort }, pinned);
        const prices = lambdaPrices(root, options.arch);
        const share = Math.min(1, options.memorySize / MB_PER_VCPU);

        console.log(
            [
                `bench:images: ${options.images} sources (${(sourceBytes / options.images / 2 ** 20).toFixed(1)} MiB per JPEG), three renditions each (${DEFAULT_RENDITIONS.map((r) => `${r.name} ${r.width}px`).join(", ")}; WebP q${DEFAULTS.quality})`,
                `  cpu: ${pinned ? "pinned to one core (taskset -c 0)" : "not pinned (taskset unavailable)"}, UV_THREADPOOL_SIZE=1, sharp.concurrency(1); ${os.cpus()[0]?.model ?? "unknown CPU"}; node ${process.version}; sharp ${sharp.versions.sharp}`,
                `  decode-only floor (full decode to raw pixels): ${(1 / perImage(floor)).toFixed(2)} images/s (${perImage(floor).toFixed(3)} s CPU per image), peak RSS ${floor.peakRssMb.toFixed(0)} MB`,
                `  previous design (one decode per rendition), effort ${effort}: ${(1 / perImage(previous)).toFixed(2)} images/s, peak RSS ${previous.peakRssMb.toFixed(0)} MB`,
            ].join("\n"),
        );
        let met = true;
        for (const e of options.efforts) {
            const outDir = fs.mkdtempSync(path.join(dir, `out-${e}-`));
            const handler = runWorker(workerFile, { pipeline: "handler", files, webpEffort: e, outDir }, pinned);
            const q = await quality(files, outDir);
            const rate = 1 / perImage(handler);
            const lambdaSeconds = perImage(handler) / share;
            const costPerThousand =
                1000 * (lambdaSeconds * (options.memorySize / 1024) * prices.gbSecond + prices.request);
            if (e === effort) met = rate >= TARGET_IMAGES_PER_SECOND;
            console.log(
                [
                    `  handler (decode once, shrink-on-load), WebP effort ${e}:`,
                    `    throughput: ${rate.toFixed(2)} images/s per core (${perImage(handler).toFixed(3)} s CPU per image; wall ${(handler.totalSeconds / handler.images).toFixed(3)} s), ${(rate * perImage(floor)).toFixed(2)}x the decode-only floor, ${(perImage(previous) / perImage(handler)).toFixed(2)}x the previous design`,
                    `    memory: peak RSS ${handler.peakRssMb.toFixed(0)} MB (after loading sharp: ${handler.baselineRssMb.toFixed(0)} MB); output ${(handler.outputBytes / handler.images / 1024).toFixed(0)} KiB per image`,
                    `    PSNR vs full-decode reference: ${Object.entries(q)
                        .map(([k, v]) => `${k} ${v.toFixed(2)} dB`)
                        .join(", ")}`,
                    `    cost: ${costPerThousand.toFixed(4)} USD per 1000 images at ${options.memorySize} MB ${options.arch} (${lambdaSeconds.toFixed(3)} s billed each at ${share.toFixed(2)} vCPU; ${prices.gbSecond} USD/GB-s + ${prices.request * 1e6} USD/M requests, ${prices.source})`,
                ].join("\n"),
            );
        }
        console.log(
            `  target (>= ${TARGET_IMAGES_PER_SECOND} images/s per core at effort ${effort}): ${met ? "met" : "NOT MET"}`,
        );
        if (!met) process.exitCode = 1;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((e: Error) => {
    console.error(`bench:images: ${e.message}`);
    process.exit(1);
});

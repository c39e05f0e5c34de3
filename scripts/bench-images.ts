/**
 * `npm run bench:images`: throughput and peak memory of the resize handler's
 * image work on one core, for a batch of 12-megapixel JPEGs (4000x3000, three
 * renditions each, the component's defaults: WebP q80 at 150/640/1280 px).
 *
 * The parent generates the photos (photo-like texture, about 4 MB each) into a
 * temporary directory, bundles this file with esbuild (sharp external, like
 * the Lambda bundle) and runs it as a worker in a fresh Node process pinned to
 * one CPU (`taskset -c 0` when available), with `UV_THREADPOOL_SIZE=1` and
 * `sharp.concurrency(1)`. The worker renders every photo with the handler's
 * own `renderRenditions` and reports wall time per image and its own peak
 * RSS (VmHWM), so generation and the bundler never count. Target: under 1 s per image, peak RSS under 400 MB.
 *
 *   npm run bench:images -- [--images 10] [--formats webp[,jpeg,avif,png]] [--quality 80]
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import sharp from "sharp";
import { DEFAULT_RENDITIONS, OUTPUT_FORMATS, type OutputFormat } from "../lambda/image-resizer/src/config";
import { renderRenditions } from "../lambda/image-resizer/src/render";

const TARGET_SECONDS_PER_IMAGE = 1;
const TARGET_PEAK_RSS_MB = 400;

interface WorkerReport {
    readonly images: number;
    readonly renditionsPerImage: number;
    readonly secondsPerImage: number[];
    readonly totalSeconds: number;
    /** User + system CPU seconds of the worker while rendering (robust to other load on the machine). */
    readonly cpuSeconds: number;
    readonly baselineRssMb: number;
    readonly peakRssMb: number;
    readonly outputBytes: number;
}

interface Options {
    readonly images: number;
    readonly formats: OutputFormat[];
    readonly quality: number;
}

function parse(argv: string[]): Options {
    let images = 10;
    let formats: OutputFormat[] = ["webp"];
    let quality = 80;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        const value = () => inline ?? argv[++i] ?? "";
        if (flag === "--images") images = Number(value());
        else if (flag === "--formats") formats = value().split(",") as OutputFormat[];
        else if (flag === "--quality") quality = Number(value());
        else throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    }
    if (!Number.isInteger(images) || images < 1 || images > 500) throw new Error("--images: expected 1 to 500");
    if (!formats.every((f) => (OUTPUT_FORMATS as readonly string[]).includes(f))) {
        throw new Error(`--formats: expected a comma-separated list of ${OUTPUT_FORMATS.join(", ")}`);
    }
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new Error("--quality: expected 1 to 100");
    return { images, formats, quality };
}

/** A 4000x3000 photo-like JPEG: fine grain over smooth large-scale variation, quality 90. */
async function photo(): Promise<Buffer> {
    const width = 4000;
    const height = 3000;
    const grain = await sharp({
        create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } },
    })
        .raw()
        .toBuffer();
    return sharp(grain, { raw: { width, height, channels: 3 } })
        .blur(1)
        .jpeg({ quality: 90 })
        .toBuffer();
}

/**
 * This process's peak resident set size. On Linux it is VmHWM from
 * /proc/self/status, which starts afresh at exec; getrusage's maxRSS would
 * not do: Linux carries it across exec, so the worker would inherit the
 * parent's peak (the image generation) through fork.
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

async function worker(dir: string, options: Options): Promise<void> {
    sharp.concurrency(1);
    sharp.cache(false);
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".jpg"))
        .sort();
    const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
    const secondsPerImage: number[] = [];
    let outputBytes = 0;
    let renditionsPerImage = 0;
    const started = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const file of files) {
        const t0 = process.hrtime.bigint();
        const input = fs.readFileSync(path.join(dir, file));
        const result = await renderRenditions(input, {
            renditions: DEFAULT_RENDITIONS,
            formats: options.formats,
            quality: options.quality,
            maxInputPixels: 100_000_000,
        });
        secondsPerImage.push(Number(process.hrtime.bigint() - t0) / 1e9);
        renditionsPerImage = result.renditions.length;
        outputBytes += result.renditions.reduce((n, r) => n + r.bytes, 0);
    }
    const report: WorkerReport = {
        images: files.length,
        renditionsPerImage,
        secondsPerImage,
        totalSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuStart)),
        baselineRssMb,
        peakRssMb: peakRssMb(),
        outputBytes,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv[0] === "--worker") {
        await worker(argv[1], JSON.parse(argv[2]) as Options);
        return;
    }
    const options = parse(argv);
    const root = path.resolve(__dirname, "..");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-images-"));
    try {
        console.log(`bench:images: generating ${options.images} 12-megapixel JPEGs (4000x3000) ...`);
        let sourceBytes = 0;
        for (let i = 0; i < options.images; i++) {
            const jpeg = await photo();
            sourceBytes += jpeg.length;
            fs.writeFileSync(path.join(dir, `photo-${String(i).padStart(3, "0")}.jpg`), jpeg);
        }

        // The worker is this file bundled like the Lambda handler (sharp external, resolved from the repository).
        const esbuild = require("esbuild") as typeof import("esbuild");
        const workerFile = path.join(root, "build", "bench", "bench-images-worker.js");
        esbuild.buildSync({
            absWorkingDir: root,
            entryPoints: [path.join(root, "scripts", "bench-images.ts")],
            outfile: workerFile,
            bundle: true,
            platform: "node",
            target: "node20",
            format: "cjs",
            external: ["sharp", "esbuild"],
            logLevel: "silent",
        });

        const node = [process.execPath, workerFile, "--worker", dir, JSON.stringify(options)];
        let pinned = false;
        if (process.platform === "linux") {
            try {
                execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
                pinned = true;
            } catch {
                pinned = false;
            }
        }
        const [cmd, ...args] = pinned ? ["taskset", "-c", "0", ...node] : node;
        const run = spawnSync(cmd, args, {
            env: { ...process.env, UV_THREADPOOL_SIZE: "1" },
            encoding: "utf8",
            maxBuffer: 16 * 2 ** 20,
        });
        if (run.status !== 0) throw new Error(`worker failed (${run.status}):\n${run.stderr}`);
        const report = JSON.parse(run.stdout.trim().split("\n").pop()!) as WorkerReport;

        const sorted = [...report.secondsPerImage].sort((a, b) => a - b);
        const mean = report.totalSeconds / report.images;
        const p50 = sorted[Math.floor(sorted.length / 2)];
        const max = sorted[sorted.length - 1];
        const ok = max < TARGET_SECONDS_PER_IMAGE && report.peakRssMb < TARGET_PEAK_RSS_MB;
        console.log(
            [
                `bench:images: ${report.images} source images, ${report.renditionsPerImage} renditions each (${DEFAULT_RENDITIONS.map((r) => `${r.name} ${r.width}px`).join(", ")}; ${options.formats.join("+")} q${options.quality})`,
                `  cpu: ${pinned ? "pinned to one core (taskset -c 0)" : "not pinned (taskset unavailable)"}, UV_THREADPOOL_SIZE=1, sharp.concurrency(1); ${os.cpus()[0]?.model ?? "unknown CPU"}; node ${process.version}`,
                `  source: ${(sourceBytes / report.images / 2 ** 20).toFixed(1)} MiB per JPEG on average; output ${(report.outputBytes / report.images / 1024).toFixed(0)} KiB per image`,
                `  throughput: ${(report.images / report.totalSeconds).toFixed(2)} images/s (mean ${mean.toFixed(3)} s, p50 ${p50.toFixed(3)} s, max ${max.toFixed(3)} s per image; first ${report.secondsPerImage[0].toFixed(3)} s)`,
                `  cpu time: ${(report.cpuSeconds / report.images).toFixed(3)} s per image (user + system; wall time above also counts waiting for the core)`,
                `  memory: peak RSS ${report.peakRssMb.toFixed(0)} MB (after loading sharp: ${report.baselineRssMb.toFixed(0)} MB)`,
                `  target (< ${TARGET_SECONDS_PER_IMAGE} s per image, peak RSS < ${TARGET_PEAK_RSS_MB} MB): ${ok ? "met" : "NOT MET"}`,
            ].join("\n"),
        );
        if (!ok) process.exitCode = 1;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((e: Error) => {
    console.error(`bench:images: ${e.message}`);
    process.exit(1);
});

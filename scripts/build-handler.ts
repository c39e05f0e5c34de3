/**
 * Builds the ImagePipeline resize function's deployable bundle:
 * `build/image-handler/<arch>/` = index.js (esbuild) + node_modules (sharp and
 * its prebuilt Linux binaries for <arch>) + bundle.json. Skips an up-to-date
 * bundle unless --force.
 *
 *   npm run build:handler                       # arm64 (offline after `npm ci`)
 *   npm run build:handler -- --arch x86_64      # installs linux-x64 binaries at build time (npm cache or registry)
 *   npm run build:handler -- --arch arm64 --out /tmp/bundle --force
 */
import { ensureHandlerBundle, LAMBDA_ARCHITECTURES, type LambdaArchitecture } from "../components/imagePipeline/bundle";

function usage(problem: string): never {
    console.error(`build-handler: ${problem}`);
    console.error("usage: build-handler [--arch arm64|x86_64]... [--out <dir>] [--force]");
    process.exit(2);
}

function parse(argv: string[]): { archs: LambdaArchitecture[]; out?: string; force: boolean } {
    const archs: LambdaArchitecture[] = [];
    let out: string | undefined;
    let force = false;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
        if (flag === "--arch") {
            const arch = value();
            if (!(LAMBDA_ARCHITECTURES as readonly string[]).includes(arch)) {
                usage(`--arch ${JSON.stringify(arch)} is not one of ${LAMBDA_ARCHITECTURES.join(", ")}`);
            }
            archs.push(arch as LambdaArchitecture);
        } else if (flag === "--out") {
            out = value();
        } else if (flag === "--force") {
            force = true;
        } else {
            usage(`unknown argument ${JSON.stringify(argv[i])}`);
        }
    }
    if (archs.length === 0) archs.push("arm64");
    if (out !== undefined && archs.length > 1) usage("--out takes a single --arch");
    return { archs: [...new Set(archs)], out, force };
}

const { archs, out, force } = parse(process.argv.slice(2));
try {
    for (const arch of archs) {
        const started = Date.now();
        const result = ensureHandlerBundle({
            arch,
            outDir: out,
            force,
            log: (m) => console.log(`build-handler: ${m}`),
        });
        const what = result.built ? "built" : "up to date";
        console.log(
            `build-handler: ${arch}: ${what}: ${result.dir} (index.js ${(result.indexBytes / 1024).toFixed(0)} KiB, sharp ${result.manifest.sharp}, ${Date.now() - started} ms)`,
        );
    }
} catch (e) {
    console.error(`build-handler: ${(e as Error).message}`);
    process.exit(1);
}

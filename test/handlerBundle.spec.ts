/**
 * What the resize function's bundle ships: runtime files only (no sharp C++
 * sources, headers, build scripts, declarations or docs), licences kept, and
 * a pruned bundle that still loads sharp and renders (built for the host's
 * architecture so it can run here).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { ensureHandlerBundle, isRuntimeFile, PACKAGE_ROOT } from "../components/imagePipeline/bundle";

function listFiles(dir: string, base = dir): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
            e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
        );
}

describe("resize function bundle contents", function () {
    this.timeout(120_000);

    it("isRuntimeFile keeps JavaScript, JSON, native libraries and licences, drops build-only files", () => {
        const keep = [
            "sharp/lib/index.js",
            "sharp/package.json",
            "sharp/LICENSE",
            "@img/colour/color.cjs",
            "@img/colour/LICENSE.md",
            "@img/sharp-linux-arm64/lib/sharp-linux-arm64.node",
            "@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.8.17.3",
            "@img/sharp-libvips-linux-arm64/versions.json",
            "semver/functions/coerce.js",
        ];
        const drop = [
            "sharp/src/pipeline.cc",
            "sharp/src/common.h",
            "sharp/src/binding.gyp",
            "sharp/install/build.js",
            "sharp/lib/index.d.ts",
            "sharp/README.md",
            "@img/sharp-libvips-linux-arm64/lib/glib-2.0/include/glibconfig.h",
            "@img/sharp-libvips-linux-arm64/include",
            "semver/bin/semver.js",
            "semver/range.bnf",
            ".bin/semver",
            ".package-lock.json",
            "x/dist/index.js.map",
        ];
        expect(keep.filter((f) => !isRuntimeFile(f))).to.deep.equal([]);
        expect(drop.filter((f) => isRuntimeFile(f))).to.deep.equal([]);
    });

    it("the arm64 bundle holds only runtime files, sharp's addon and libvips included", () => {
        const { dir } = ensureHandlerBundle();
        const files = listFiles(path.join(dir, "node_modules"));
        expect(files.filter((f) => !isRuntimeFile(f))).to.deep.equal([]);
        expect(files.filter((f) => /\.(cc|h|gyp)$|^sharp\/src\//.test(f))).to.deep.equal([]);
        expect(files).to.include.members([
            "@img/sharp-linux-arm64/lib/sharp-linux-arm64.node",
            "sharp/lib/index.js",
            "sharp/LICENSE",
        ]);
        expect(files.some((f) => /^@img\/sharp-libvips-linux-arm64\/lib\/libvips-cpp\.so/.test(f))).to.equal(true);
    });

    it("a pruned bundle still loads sharp and renders (host architecture)", function () {
        if (process.arch !== "x64" && process.arch !== "arm64")
            throw new Error(`no Lambda architecture for ${process.arch}`);
        const arch = process.arch === "x64" ? "x86_64" : "arm64";
        const outDir = path.join(PACKAGE_ROOT, "build", "image-handler-check", arch);
        const { dir } = ensureHandlerBundle({ arch, outDir });
        const script = `
            const sharp = require(${JSON.stringify(path.join(dir, "node_modules", "sharp"))});
            sharp({ create: { width: 64, height: 48, channels: 3, background: "#c00" } }).jpeg().toBuffer()
                .then((b) => sharp(b).resize(16).webp().toBuffer())
                .then((b) => sharp(b).metadata())
                .then((m) => process.stdout.write(JSON.stringify([m.format, m.width, m.height])));`;
        const out = execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
        expect(JSON.parse(out)).to.deep.equal(["webp", 16, 12]);
    });
});

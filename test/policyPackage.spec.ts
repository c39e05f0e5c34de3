/**
 * The policy pack as a consumer gets it: its own package.json declaring what
 * its sources import (at ranges the root's tested versions satisfy), a
 * lockfile in step with it, and no AWSGuard (which pulled @pulumi/aws v4 and
 * the end-of-support AWS SDK v2).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { importedPackages, sources } from "./harness/imports";

const ROOT = path.resolve(__dirname, "..");
const POLICY = path.join(ROOT, "policy");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const pkg = readJson(path.join(POLICY, "package.json"));

describe("policy pack package (policy/)", () => {
    it("declares every package its sources import, as dependencies", () => {
        const imported = new Set(sources(POLICY).flatMap((f) => importedPackages(fs.readFileSync(f, "utf8"))));
        expect([...imported].sort()).to.deep.equal(Object.keys(pkg.dependencies).sort());
    });

    it("at ranges the versions this suite runs satisfy", () => {
        const semver = require("semver") as { satisfies(v: string, r: string): boolean };
        for (const [name, range] of Object.entries<string>({ ...pkg.dependencies, ...pkg.devDependencies })) {
            const installed = readJson(path.join(ROOT, "node_modules", name, "package.json")).version;
            expect(semver.satisfies(installed, range), `${name}@${installed} in ${range}`).to.equal(true);
        }
    });

    it("has a lockfile in step with its package.json", () => {
        const lock = readJson(path.join(POLICY, "package-lock.json"));
        expect(lock.name).to.equal(pkg.name);
        expect(lock.packages[""].dependencies).to.deep.equal(pkg.dependencies);
        expect(lock.packages[""].devDependencies).to.deep.equal(pkg.devDependencies);
        for (const name of Object.keys(pkg.dependencies)) {
            expect(lock.packages[`node_modules/${name}`], name).to.have.property("version");
        }
    });

    it("neither the pack nor the library depends on @pulumi/awsguard or @pulumi/aws v4", () => {
        const root = readJson(path.join(ROOT, "package.json"));
        const rootLock = readJson(path.join(ROOT, "package-lock.json"));
        for (const deps of [pkg.dependencies, pkg.devDependencies, root.dependencies, root.devDependencies]) {
            expect(deps).to.not.have.property("@pulumi/awsguard");
        }
        const old = Object.entries<any>(rootLock.packages).filter(
            ([k, v]) =>
                /node_modules\/(@pulumi\/awsguard|aws-sdk)$/.test(k) ||
                (k.endsWith("/@pulumi/aws") && /^[0-6]\./.test(v.version)),
        );
        expect(old.map(([k]) => k)).to.deep.equal([]);
    });

    it("importedPackages reads import, require and dynamic import specifiers", () => {
        const src = `import * as aws from "@pulumi/aws";\nimport { x } from "./rules/x";\nconst p = require("@pulumi/policy/proxy");\nimport * as fs from "fs";\nconst y = import("zod");`;
        expect(importedPackages(src)).to.deep.equal(["@pulumi/aws", "@pulumi/policy", "zod"]);
    });
});

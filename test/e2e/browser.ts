// Headless Chromium (Debian's package) driven by playwright-core, with screenshots of failed tests.
import * as fs from "fs";
import * as path from "path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
export const RESULTS_DIR = path.resolve(__dirname, "..", "..", "test-results");

export function launch(): Promise<Browser> {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** Saves a full-page screenshot as test-results/<title>.png; returns its path. */
export async function screenshot(page: Page, title: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${title.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

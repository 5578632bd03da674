/**
 * The corpus tier's property runs: the unit tier's property modules (test/properties/), run by `npm run test:corpus`
 * with PROPERTY_SCALE=10 (the unit tier runs half the base counts; the corpus tier the same totals as before), without the rest of the unit files.
 */
import '../properties/engine.js';
import '../properties/incremental.js';
import '../properties/scan.js';

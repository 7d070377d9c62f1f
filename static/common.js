// What every page runs (the base template loads it, as a module): times shown in the reader's
// time zone. The pages' own modules (home.js, room.js, host.js, pages.js, …) import what they use.

import { localTimes } from "./time.js";

localTimes(document);

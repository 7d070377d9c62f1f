// What every page runs (the base template loads it, as a module): times shown in the reader's
// time zone, and the language menu. The pages' own modules (home.js, room.js, host.js, pages.js, …)
// import what they use.

import { localTimes } from "./time.js";
import "./lang-menu.js";

localTimes(document);

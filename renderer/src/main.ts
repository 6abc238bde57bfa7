// Entry of the status window. Everything it does goes through window.tokentray (the preload).
import './countdown.ts';
import './app.ts';

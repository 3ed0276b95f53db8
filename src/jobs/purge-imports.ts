// Retention of Excel imports (issue 2/7): staged rows and uploaded files are personal data kept one day at most.
export { purgeImports, recoverInterruptedImports } from '../server/modules/imports/imports.service';

package sqlite

// allQueries lists every statement the store runs in a transaction, so
// that they are all prepared when it opens (see stmtCache). A test checks
// that none is missing.
var allQueries = append(append([]string{
	"SAVEPOINT member", "RELEASE member", "ROLLBACK TO member",
	"SAVEPOINT op", "RELEASE op", "ROLLBACK TO op",

	qEvent, qEventState, qEventExists, qCreateEvent, qUpdateEvent, qNextReceipt, qKeepReceipt, qCreateSeq,
	qDrawRecord, qPutDrawRecord, qDesignations, qPutDesignation, qErasures, qInsertErasure,

	qAppByID, qAppByReceipt, qAppSeq, qAppStatus, qAppFirstPage, qAppPage,
	qSealedOf, qSealedPage, qIdentityOf, qIdentityPage, qSearchOf, qSearchPage,
	qFind, qHasIdentity, qInsertApp, qInsertSealed,
	qSetStatus, qDeleteApp, qDeleteApps, qConsent, qPutConsent, qPurgeClassSealed, qPurgeClassCards,
	qSealedReceipts, qPurgeIndexes, qPurgeSealed,
	qEventSeqs, qOtherSeqs, qRangeSealed, qRangeIdentity, qRangeSearch, qRangeConsents, qRangeMessages, qRangeCheckins,
	qDeleteSealed, qDeleteIdentity, qDeleteSearch, qDeleteConsent, qDeleteMessages, qDeleteCheckins, qPurgeIdentity, qPurgeSearch, qPurgeConsents, qPurgeMessages, qPurgeCheckins,

	qMessage, qMessages, qMessagesKeys, qEnqueue, qClaim, qMessageClaim, qComplete,
	qCheckIns, qInsertCheckIn, qCards, qInsertCard,

	qAuditSize, qAuditHashCount, qAuditLeaf, qAuditHash, qAuditHashRange, qAuditHashSet,
	qAuditLeaves, qSaveCheckpoint, qLatestCheckoint,
}, qInsertIdentityRows...), qInsertSearchRows...)

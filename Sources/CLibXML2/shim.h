#ifndef KCCBRIDGE_LIBXML2_SHIM_H
#define KCCBRIDGE_LIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU; its headers would pull in the system ICU
   headers, which clash with Foundation's copy on a clean build. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/xmlIO.h>

/* xmlFree is a mutable C global, which Swift 6 rejects. */
static inline void kcc_xml_free(void *p) { xmlFree(p); }

/* Refuses every external entity, DTD or schema import reached through the parser. */
static xmlParserInputPtr kcc_deny_external_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

static inline void kcc_install_deny_all_entity_loader(void) {
    xmlSetExternalEntityLoader(kcc_deny_external_entity);
}

/* libxml2 still prints a few messages through its generic error channel
   (e.g. "Unimplemented block" from the schema validator). The handler is
   per thread; errors that matter reach the structured handler anyway. */
static void kcc_silent_generic_error(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

static inline void kcc_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, kcc_silent_generic_error);
}

#endif

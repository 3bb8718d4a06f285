import XMLStreaming

/// The XSD of the batch's XML encoding, compiled once.
///
/// The text is the same, byte for byte, as `schemas/kcc-batch.xsd` (a test
/// keeps the two equal), so the installed binary needs no file beside it.
public enum KCCBatchSchema {
    /// Compiles on first use; later calls return the same schema.
    public static func compiled() throws(XMLSchema.CompileError) -> XMLSchema {
        try embedded.compiled()
    }

    private static let embedded = EmbeddedSchema(name: "kcc-batch.xsd", text: text)

    /// The schema text.
    public static let text = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          KCC export batch, XML encoding, version 1 (urn:kccbridge:kcc-batch:1).
          The CSV twin is described in schemas/kcc-batch-csv.md; this schema is the authority for XML.

          Layout decisions:
          - Identifiers, codes, dates and amounts are attributes named exactly as the
            CSV columns (DocNumber, OrderNumber, DocDate, UnitPrice, LineNet, ...).
          - Free text (names, descriptions, addresses, a credit note's reason) is in
            child elements, because attribute values lose their line breaks.
          - A document refers to its customer by CustomerCode; the customer's name,
            email and address are in a Customer element anywhere in the batch.
          - Dates are always ISO 8601 (YYYY-MM-DD) in XML.
          - The schema checks structure and spelling (a date looks like a date, an
            amount like an amount). Whether a date exists, a currency is known, an
            amount fits its currency and totals tie is checked by the reader, with the
            same rules and messages as for CSV, and holds back only that document.
          - PurchaseInvoice and Supplier are recognised but out of scope for version 1:
            the reader reports them and skips them.
          - No xs:key / xs:unique (see hostile-input.md); duplicates are the reader's job.
        -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns="urn:kccbridge:kcc-batch:1"
                   targetNamespace="urn:kccbridge:kcc-batch:1"
                   elementFormDefault="qualified"
                   attributeFormDefault="unqualified">

          <xs:element name="KCCExportBatch">
            <xs:complexType>
              <xs:choice minOccurs="0" maxOccurs="unbounded">
                <xs:element name="Customer" type="CustomerType"/>
                <xs:element name="SalesInvoice" type="SalesInvoiceType"/>
                <xs:element name="CreditNote" type="CreditNoteType"/>
                <xs:element name="Payment" type="PaymentType"/>
                <xs:element name="PurchaseInvoice" type="UnsupportedType"/>
                <xs:element name="Supplier" type="UnsupportedType"/>
              </xs:choice>
              <xs:attribute name="batchId" type="Text" use="required"/>
              <xs:attribute name="created" type="xs:dateTime" use="required"/>
              <xs:attribute name="company" type="Text" use="required"/>
            </xs:complexType>
          </xs:element>

          <!-- Simple types: spelling only; meaning is checked by the reader. -->
          <xs:simpleType name="Text">
            <xs:restriction base="xs:string">
              <xs:maxLength value="4000"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:simpleType name="Number32">
            <xs:restriction base="xs:string">
              <xs:minLength value="1"/>
              <xs:maxLength value="32"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:simpleType name="IsoDate">
            <xs:restriction base="xs:string">
              <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:simpleType name="CurrencyCode">
            <xs:restriction base="xs:string">
              <xs:pattern value="[A-Z]{3}"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:simpleType name="Amount">
            <xs:restriction base="xs:string">
              <xs:pattern value="[0-9]{1,15}(\.[0-9]{1,6})?"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:simpleType name="OptionalAmount">
            <xs:restriction base="xs:string">
              <xs:pattern value="([0-9]{1,15}(\.[0-9]{1,6})?)?"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:simpleType name="LineNumber">
            <xs:restriction base="xs:positiveInteger">
              <xs:maxInclusive value="100000"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:complexType name="CustomerType">
            <xs:sequence>
              <xs:element name="Name" type="Text"/>
              <xs:element name="Email" type="Text" minOccurs="0"/>
              <xs:element name="Address" minOccurs="0">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="Address1" type="Text" minOccurs="0"/>
                    <xs:element name="Address2" type="Text" minOccurs="0"/>
                    <xs:element name="Town" type="Text" minOccurs="0"/>
                    <xs:element name="County" type="Text" minOccurs="0"/>
                    <xs:element name="Postcode" type="Text" minOccurs="0"/>
                    <xs:element name="Country" type="Text" minOccurs="0"/>
                  </xs:sequence>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
            <xs:attribute name="CustomerCode" type="Number32" use="required"/>
          </xs:complexType>

          <!-- Attributes every document has. -->
          <xs:attributeGroup name="DocumentHeader">
            <xs:attribute name="DocNumber" type="Number32" use="required"/>
            <xs:attribute name="OrderNumber" type="Number32" use="required"/>
            <xs:attribute name="DocDate" type="IsoDate" use="required"/>
            <xs:attribute name="CustomerCode" type="Number32" use="required"/>
            <xs:attribute name="Currency" type="CurrencyCode" use="required"/>
            <xs:attribute name="Source" type="Text"/>
            <xs:attribute name="Subsource" type="Text"/>
            <xs:attribute name="PaymentMethod" type="Text"/>
            <xs:attribute name="RelatedInvoice" type="Number32"/>
          </xs:attributeGroup>

          <xs:complexType name="LineType">
            <xs:sequence>
              <xs:element name="Description" type="Text"/>
            </xs:sequence>
            <xs:attribute name="LineNo" type="LineNumber" use="required"/>
            <xs:attribute name="SKU" type="Text"/>
            <xs:attribute name="Quantity" type="Amount" use="required"/>
            <xs:attribute name="UnitPrice" type="Amount" use="required"/>
            <xs:attribute name="DiscountPercent" type="OptionalAmount"/>
            <xs:attribute name="TaxCode" type="Number32" use="required"/>
            <xs:attribute name="TaxRate" type="Amount" use="required"/>
            <xs:attribute name="LineNet" type="Amount" use="required"/>
            <xs:attribute name="LineTax" type="Amount" use="required"/>
          </xs:complexType>

          <xs:complexType name="TotalsType">
            <xs:attribute name="net" type="Amount" use="required"/>
            <xs:attribute name="tax" type="Amount" use="required"/>
            <xs:attribute name="gross" type="Amount" use="required"/>
          </xs:complexType>

          <xs:complexType name="SalesInvoiceType">
            <xs:sequence>
              <xs:element name="Line" type="LineType" maxOccurs="unbounded"/>
              <xs:element name="Totals" type="TotalsType"/>
            </xs:sequence>
            <xs:attributeGroup ref="DocumentHeader"/>
            <xs:attribute name="DueDate" type="IsoDate" use="required"/>
          </xs:complexType>

          <xs:complexType name="CreditNoteType">
            <xs:sequence>
              <xs:element name="Reason" type="Text" minOccurs="0"/>
              <xs:element name="Line" type="LineType" maxOccurs="unbounded"/>
              <xs:element name="Totals" type="TotalsType"/>
            </xs:sequence>
            <xs:attributeGroup ref="DocumentHeader"/>
            <xs:attribute name="DueDate" type="IsoDate"/>
          </xs:complexType>

          <xs:complexType name="PaymentType">
            <xs:attributeGroup ref="DocumentHeader"/>
            <xs:attribute name="Amount" type="Amount" use="required"/>
          </xs:complexType>

          <!-- Recognised, not read in version 1. -->
          <xs:complexType name="UnsupportedType" mixed="true">
            <xs:sequence>
              <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
            <xs:anyAttribute processContents="skip"/>
          </xs:complexType>
        </xs:schema>
        """#
}

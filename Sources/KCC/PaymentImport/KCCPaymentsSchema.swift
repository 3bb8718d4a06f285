import XMLStreaming

/// The XSD of the KCC payment import's XML encoding, the same text as
/// `schemas/kcc-payments.xsd` (a test keeps the two equal).
package enum KCCPaymentsSchema {
    package static let namespace = "urn:kccbridge:kcc-payments:1"

    /// Compiles on first use; later calls return the same schema.
    package static func compiled() throws(XMLSchema.CompileError) -> XMLSchema {
        try embedded.compiled()
    }

    private static let embedded = EmbeddedSchema(name: "kcc-payments.xsd", text: text)

    package static let text = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          KCC payment import, XML encoding, version 1 (urn:kccbridge:kcc-payments:1).
          Written by `kccbridge reconcile`: one Payment per refund that matched a
          credit note, for KCC's "Create and Allocate Payments".
          Refunds that need a person are never in this file; they are in the report.
          The CSV twin has the same fields as columns, in the same order.
        -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns="urn:kccbridge:kcc-payments:1"
                   targetNamespace="urn:kccbridge:kcc-payments:1"
                   elementFormDefault="qualified"
                   attributeFormDefault="unqualified">

          <xs:element name="KCCPaymentImport">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="Payment" type="PaymentType" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <!-- The refund file the payments come from, as named on the command line. -->
              <xs:attribute name="source" type="xs:string" use="required"/>
              <xs:attribute name="created" type="xs:dateTime" use="required"/>
            </xs:complexType>
          </xs:element>

          <xs:simpleType name="Code">
            <xs:restriction base="xs:string">
              <xs:minLength value="1"/>
              <xs:maxLength value="64"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:complexType name="PaymentType">
            <xs:sequence>
              <!-- The source system's free text, as it came. -->
              <xs:element name="Reference" type="xs:string" minOccurs="0"/>
            </xs:sequence>
            <!-- The source system's own id of the refund (Xero PaymentID, QuickBooks TxnID, ...). -->
            <xs:attribute name="RefundId" type="Code" use="required"/>
            <xs:attribute name="Date" type="xs:date" use="required"/>
            <!-- Positive, with exactly the currency's minor-unit digits. -->
            <xs:attribute name="Amount" use="required">
              <xs:simpleType>
                <xs:restriction base="xs:string">
                  <xs:pattern value="[0-9]{1,15}(\.[0-9]{1,3})?"/>
                </xs:restriction>
              </xs:simpleType>
            </xs:attribute>
            <xs:attribute name="Currency" use="required">
              <xs:simpleType>
                <xs:restriction base="xs:string">
                  <xs:pattern value="[A-Z]{3}"/>
                </xs:restriction>
              </xs:simpleType>
            </xs:attribute>
            <!-- The KCC credit note the payment is allocated to. -->
            <xs:attribute name="CreditNote" type="Code" use="required"/>
            <xs:attribute name="OrderNumber" type="Code" use="required"/>
            <!-- How the money went back: card, cheque, or the bank account code. -->
            <xs:attribute name="Method" type="xs:string"/>
            <!-- xero, quickbooks-desktop, csv -->
            <xs:attribute name="SourceSystem" type="Code" use="required"/>
          </xs:complexType>
        </xs:schema>
        """#
}

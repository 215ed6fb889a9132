
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "IdCardDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ],
    "OnlineResult": [
      "BirthOnlineResult",
      "IdCardOnlineResult",
      "MatterCertificateOnlineResult",
      "MigrationOnlineResult"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "IdCardDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ],
    "OnlineResult": [
      "BirthOnlineResult",
      "IdCardOnlineResult",
      "MatterCertificateOnlineResult",
      "MigrationOnlineResult"
    ]
  }
};
      export default result;
    